#!/usr/bin/python3
"""Writes a corpus with a large vocabulary for bench/run --large-vocab: train.txt, valid.txt and test.txt
whose words follow Zipf's law over a fixed number of distinct words, like natural text (WikiText-2 has 33,278).

Every word appears at least once in train.txt, so the vocabulary is exactly --vocab words plus <eos>.
Deterministic: the same arguments write the same files.
"""
import argparse
import bisect
import itertools
import os
import random


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="directory to write")
    p.add_argument("--vocab", type=int, default=30000, help="distinct words (default 30000)")
    p.add_argument("--train-tokens", type=int, default=1_000_000)
    p.add_argument("--eval-tokens", type=int, default=80_000, help="tokens in valid.txt and in test.txt")
    p.add_argument("--seed", type=int, default=1111)
    a = p.parse_args()
    if a.vocab < 2 or a.train_tokens < a.vocab:
        p.error("--vocab must be >= 2 and --train-tokens >= --vocab")
    rnd = random.Random(a.seed)
    words = [f"w{i:05d}" for i in range(1, a.vocab + 1)]
    cumulative = list(itertools.accumulate(1.0 / rank for rank in range(1, a.vocab + 1)))
    total = cumulative[-1]

    def draw(n):
        return [words[bisect.bisect_left(cumulative, rnd.random() * total)] for _ in range(n)]

    def write(name, tokens):
        with open(os.path.join(a.out, name), "w", encoding="utf8") as f:
            i = 0
            while i < len(tokens):
                n = rnd.randint(5, 35)  # line lengths: one <eos> per line, as sentences
                f.write(" ".join(tokens[i:i + n]) + "\n")
                i += n

    os.makedirs(a.out, exist_ok=True)
    train = words[:]  # each word once, then the Zipf stream
    rnd.shuffle(train)
    train += draw(a.train_tokens - a.vocab)
    write("train.txt", train)
    write("valid.txt", draw(a.eval_tokens))
    write("test.txt", draw(a.eval_tokens))


if __name__ == "__main__":
    main()
