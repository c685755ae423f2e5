#!/usr/bin/python3
"""PyTorch reference timing for the word_language_model port.

A self-contained reimplementation of the training step (main.py) and the
sampling loop (generate.py) of PyTorch's examples/word_language_model, used
only to measure throughput on the same machine as the Java/DJL port.

Prints exactly one JSON line on stdout at the end; progress goes to stderr.
"""
import argparse
import io
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def parse_args():
    p = argparse.ArgumentParser(description="PyTorch word_language_model reference benchmark")
    p.add_argument("--data", required=True, help="dir with train.txt, valid.txt, test.txt")
    p.add_argument("--batches", type=int, default=300, help="timed training batches (0: no training)")
    p.add_argument("--warmup", type=int, default=20, help="untimed training batches before timing")
    p.add_argument("--words", type=int, default=1000, help="timed generated words (0: no generation)")
    p.add_argument("--gen-warmup", type=int, default=500, help="untimed generated words before timing")
    p.add_argument("--gen-batch", dest="gen_batch", type=int, default=1,
                   help="streams generated together, one batched step per word (words count per stream)")
    p.add_argument("--chunks", type=int, default=5, help="timing chunks for the median rate")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", default="LSTM", choices=["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
    p.add_argument("--emsize", type=int, default=200)
    p.add_argument("--nhid", type=int, default=200)
    p.add_argument("--nlayers", type=int, default=2)
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--batch-size", dest="batch_size", type=int, default=20)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--tied", action="store_true")
    p.add_argument("--seed", type=int, default=1111)
    p.add_argument("--temperature", type=float, default=1.0)
    a = p.parse_args()
    if a.batches < 0 or a.words < 0 or a.threads < 1 or a.batches + a.words == 0:
        p.error("--batches and --words must be >= 0, not both 0, and --threads >= 1")
    if a.tied and a.nhid != a.emsize:
        p.error("when using --tied, --nhid must be equal to --emsize")
    return a


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data

class Vocab:
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add(self, w):
        idx = self.word2idx.get(w)
        if idx is None:
            idx = len(self.idx2word)
            self.word2idx[w] = idx
            self.idx2word.append(w)
        return idx

    def __len__(self):
        return len(self.idx2word)


def read_ids(path, vocab):
    ids = []
    with open(path, "r", encoding="utf8") as f:
        for line in f:
            for w in line.split() + ["<eos>"]:
                ids.append(vocab.add(w))
    return torch.tensor(ids, dtype=torch.int64)


def load_corpus(d):
    vocab = Vocab()
    splits = {}
    for name in ("train", "valid", "test"):  # vocab in order of first appearance over all three
        splits[name] = read_ids(os.path.join(d, name + ".txt"), vocab)
    return vocab, splits


def batchify(data, bsz):
    # [N] -> [N // bsz, bsz]: each column is a contiguous stream (seq-first, TNC)
    nbatch = data.size(0) // bsz
    return data.narrow(0, 0, nbatch * bsz).view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt):
    seq_len = min(bptt, source.size(0) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


# ---------------------------------------------------------------- model

class RNNModel(nn.Module):
    """Embedding -> Dropout -> LSTM/GRU/RNN -> Dropout -> Linear -> log_softmax."""

    def __init__(self, kind, ntoken, ninp, nhid, nlayers, dropout, tied):
        super().__init__()
        self.kind, self.nhid, self.nlayers = kind, nhid, nlayers
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if kind in ("LSTM", "GRU"):
            self.rnn = getattr(nn, kind)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlin = "tanh" if kind == "RNN_TANH" else "relu"
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlin, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tied:
            self.decoder.weight = self.encoder.weight
        r = 0.1
        nn.init.uniform_(self.encoder.weight, -r, r)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -r, r)

    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        out, hidden = self.rnn(emb, hidden)
        out = self.drop(out)
        dec = self.decoder(out).view(-1, self.decoder.out_features)
        return F.log_softmax(dec, dim=1), hidden

    def init_hidden(self, bsz):
        w = next(self.parameters())
        if self.kind == "LSTM":
            return (w.new_zeros(self.nlayers, bsz, self.nhid), w.new_zeros(self.nlayers, bsz, self.nhid))
        return w.new_zeros(self.nlayers, bsz, self.nhid)


def detach(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(detach(v) for v in h)


# ---------------------------------------------------------------- benchmark

def chunk_sizes(total, chunks):
    chunks = max(1, min(chunks, total))
    base, extra = divmod(total, chunks)
    return [base + (1 if i < extra else 0) for i in range(chunks)]


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    t0 = time.perf_counter()
    vocab, splits = load_corpus(args.data)
    ntokens = len(vocab)
    train_data = batchify(splits["train"], args.batch_size)
    log(f"corpus loaded in {time.perf_counter() - t0:.1f}s: vocab={ntokens} "
        f"train_tokens={splits['train'].numel()} batched={tuple(train_data.shape)}")
    if train_data.size(0) < 2:
        sys.exit("training data too small for one batch")

    model = RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied)
    criterion = nn.NLLLoss()
    lr = args.lr
    params = list(model.parameters())

    # state of the walk over the training stream; wraps to a new epoch if needed
    state = {"i": 0, "hidden": model.init_hidden(args.batch_size)}

    def train_batch():
        i = state["i"]
        if i >= train_data.size(0) - 1:  # epoch end: the reference starts a new epoch with fresh hidden
            i = 0
            state["hidden"] = model.init_hidden(args.batch_size)
        data, targets = get_batch(train_data, i, args.bptt)
        state["i"] = i + args.bptt
        model.zero_grad()
        hidden = detach(state["hidden"])
        output, hidden = model(data, hidden)
        state["hidden"] = hidden
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, args.clip)
        for p in params:
            p.data.add_(p.grad, alpha=-lr)
        return loss.item(), targets.numel()

    chunk_rates, chunk_ms, total_loss, total_tokens, train_s = [], [], 0.0, 0, 0.0
    if args.batches > 0:
        model.train()
        for _ in range(args.warmup):
            train_batch()

        t_train = time.perf_counter()
        for n in chunk_sizes(args.batches, args.chunks):
            tc = time.perf_counter()
            tokens = 0
            for _ in range(n):
                loss, ntok = train_batch()
                total_loss += loss
                tokens += ntok
            dt = time.perf_counter() - tc
            chunk_rates.append(tokens / dt)
            chunk_ms.append(dt * 1000.0 / n)
            total_tokens += tokens
        train_s = time.perf_counter() - t_train
        log(f"train: {args.batches} batches in {train_s:.2f}s, chunk tokens/s="
            f"{[round(r) for r in chunk_rates]}, mean loss {total_loss / args.batches:.3f}")

    gen_s = None
    if args.words > 0:
        # generation, as generate.py
        model.eval()
        out = io.StringIO()
        with torch.no_grad():
            streams = args.gen_batch
            hidden = model.init_hidden(streams)
            inp = torch.randint(ntokens, (1, streams), dtype=torch.long)

            def gen(count, offset):
                nonlocal hidden, inp
                for k in range(count):
                    output, hidden = model(inp, hidden)
                    if streams == 1:
                        word_weights = output.squeeze().div(args.temperature).exp()
                        word_idx = torch.multinomial(word_weights, 1)[0]
                        inp.fill_(word_idx)
                        word = vocab.idx2word[word_idx]
                        out.write(word + ("\n" if (offset + k) % 20 == 19 else " "))
                    else:
                        # every stream's next word in one step: output is (streams, vocab)
                        word_weights = output.view(streams, -1).div(args.temperature).exp()
                        word_idx = torch.multinomial(word_weights, 1)
                        inp = word_idx.view(1, streams)
                        out.write(vocab.idx2word[word_idx[0, 0]] + " ")

            gen(args.gen_warmup, 0)
            tg = time.perf_counter()
            gen(args.words, args.gen_warmup)
            gen_s = time.perf_counter() - tg
        log(f"generate: {args.words} words x {args.gen_batch} streams in {gen_s:.3f}s")

    tokens_per_batch = args.bptt * args.batch_size
    median_rate = statistics.median(chunk_rates) if chunk_rates else None
    result = {
        "impl": "pytorch",
        "torch": torch.__version__,
        "threads": args.threads,
        "train_tokens_per_s": round(median_rate, 1) if median_rate else None,
        "train_tokens_per_s_overall": round(total_tokens / train_s, 1) if train_s else None,
        "train_ms_per_batch": round(tokens_per_batch / median_rate * 1000.0, 3) if median_rate else None,
        "train_ms_per_batch_overall": round(train_s * 1000.0 / args.batches, 3) if train_s else None,
        "gen_words_per_s": round(args.words * args.gen_batch / gen_s, 1) if gen_s else None,
        "gen_batch": args.gen_batch,
        "batches": args.batches,
        "warmup": args.warmup,
        "words": args.words,
        "vocab": ntokens,
        "model": args.model,
        "emsize": args.emsize,
        "nhid": args.nhid,
        "nlayers": args.nlayers,
        "bptt": args.bptt,
        "batch_size": args.batch_size,
        "tied": args.tied,
        "train_loss_mean": round(total_loss / args.batches, 4) if args.batches else None,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
