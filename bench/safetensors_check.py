#!/usr/bin/python3
"""Checks ./lm export and ./lm import against the reference's own RNNModel (not part of CI).

  score FILE.safetensors --model-py PATH --text TEXT
      builds RNNModel(**config) from the file's metadata, load_state_dict(strict=True), prints the mean
      next-word loss of TEXT read as one stream from a zero state (what ./lm score does for a short text)
  write OUT.safetensors --model-py PATH --like FILE.safetensors [--seed N] [--drop-encoder]
      a freshly initialised RNNModel of the same configuration, its state_dict saved the way the reference
      would (metadata {"format": "pt"} only; --drop-encoder leaves a tied model's encoder.weight out, as
      safetensors' save_model does), for ./lm import

PATH is word_language_model/model.py of a pytorch/examples checkout. The safetensors reading and writing
here is our own (Debian has no safetensors package), following the format: u64 LE header length, JSON, data.
"""
import argparse
import importlib.util
import json
import struct
import sys

import torch
import torch.nn.functional as F


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", (name, t["dtype"])
        begin, end = t["data_offsets"]
        buf = bytearray(raw[8 + n + begin:8 + n + end])
        tensors[name] = torch.frombuffer(buf, dtype=torch.float32).reshape(t["shape"]).clone()
    return tensors, meta


def write(path, tensors, meta):
    header, offset, blobs = {"__metadata__": meta}, 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def reference(model_py):
    spec = importlib.util.spec_from_file_location("reference_model", model_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RNNModel


def main():
    p = argparse.ArgumentParser()
    p.add_argument("action", choices=["score", "write"])
    p.add_argument("file")
    p.add_argument("--model-py", required=True)
    p.add_argument("--text")
    p.add_argument("--like")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--drop-encoder", action="store_true")
    a = p.parse_args()
    RNNModel = reference(a.model_py)
    torch.set_num_threads(1)
    if a.action == "score":
        tensors, meta = read(a.file)
        if a.like:  # a file saved by the reference has no config or vocabulary: take them from another
            meta = read(a.like)[1]
        config = json.loads(meta["config"])
        if a.like and config["tie_weights"] and "encoder.weight" not in tensors:
            tensors["encoder.weight"] = tensors["decoder.weight"]  # what save_model left out, as load_model restores
        words = json.loads(meta["vocabulary"])
        model = RNNModel(**config)
        model.load_state_dict(tensors, strict=True)  # raises on a missing, extra or misshapen tensor
        model.eval()
        index = {w: i for i, w in enumerate(words)}
        ids = []
        for line in a.text.split("\n"):
            ids += [index.get(w, index.get("<unk>")) for w in line.split()] + [index["<eos>"]]
        x = torch.tensor(ids, dtype=torch.long).view(-1, 1)
        with torch.no_grad():
            out, _ = model(x[:-1], model.init_hidden(1))
            loss = F.nll_loss(out, x[1:].view(-1)).item()
        print(json.dumps({"config": config, "tokens": len(ids) - 1, "loss": loss}))
    else:
        _, meta = read(a.like)
        config = json.loads(meta["config"])
        torch.manual_seed(a.seed)
        model = RNNModel(**config)
        state = model.state_dict()
        if a.drop_encoder:
            assert config["tie_weights"]
            del state["encoder.weight"]
        write(a.file, state, {"format": "pt"})
        print(json.dumps({"config": config, "tensors": list(state.keys())}))


if __name__ == "__main__":
    sys.exit(main())
