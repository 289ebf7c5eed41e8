"""Classifier throughput and peak memory (prints figures; not a test).

    .venv/bin/python bench/bench_classify.py [--items 512] [--threads 2] [--batch 64] [--onnx FILE]

Two workloads from nlp/data/labelled.jsonl: `long` (items of 256 tokens or more, so every item fills
the model's 256-token window: the worst case) and `mixed` (the labelled items as they come: titles,
leads and full articles). Load time (including a first-run conversion of the encoder, if the cache in
CHAINWATCH_HOME/models is empty) is reported apart from inference. Run on an otherwise idle machine:
other processes on the same cores lower the items/s figures (CPU ms per item shows the work itself).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2, help="parallel forward passes (default 2: one per core)")
    ap.add_argument("--batch", type=int, default=64, help="items per predict() call")
    ap.add_argument(
        "--onnx", metavar="FILE", help="measure this encoder file instead of the cache (e.g. an older build)"
    )
    ap.add_argument("--json", metavar="PATH", help="also write the figures to PATH (python -m bench)")
    args = ap.parse_args()
    figures: dict = {}

    from chainwatch.contracts import ClassifierInput
    from nlp import model_cache
    from nlp.classifier import Classifier, read_model
    from nlp.encoder import Encoder
    from nlp.training import labelled

    started = time.monotonic()
    heads, info = read_model()
    e = info.encoder
    encoder = Encoder(
        Path(args.onnx) if args.onnx else model_cache.ensure_onnx(int(e["layers"])),
        model_cache.tokenizer_path(),
        max_tokens=int(e["max_tokens"]),
        threads=args.threads,
        lead_tokens=int(e["lead_tokens"]),
    )
    clf = Classifier(heads, info, encoder=encoder)
    load_s = time.monotonic() - started
    print(
        f"model {clf.version}: {info.encoder_description}; loaded in {load_s:.1f} s "
        f"(includes a first-run conversion when the cache was empty); {args.threads} parallel passes; "
        f"{os.cpu_count()} CPUs visible; encoder {encoder.onnx_file} built by converter "
        f"{encoder.converter} (this tree: {model_cache.converter_fingerprint()}); load {os.getloadavg()[0]:.2f}"
    )

    items = [ClassifierInput(it.id, it.title, it.text, it.lang) for it in labelled.load()]
    counts = [len(encoder.tokenizer.encode("passage: " + it.title + "\n" + it.text).ids) for it in items]
    long_items = [it for it, n in zip(items, counts) if n >= int(e["max_tokens"])]
    workloads = {"long": long_items, "mixed": items}
    clf.predict(items[:8])  # warm-up (thread pools, allocator)
    for name, pool in workloads.items():
        # a seeded shuffle, so that --items N takes a representative N (the file is ordered by source)
        shuffled = random.Random(0).sample(pool, len(pool))
        batch = (shuffled * (args.items // max(len(pool), 1) + 1))[: args.items]
        rss_before = peak_rss_mb()
        t, cpu = time.monotonic(), time.process_time()
        outputs = []
        for i in range(0, len(batch), args.batch):
            outputs += clf.predict(batch[i : i + args.batch])
        dt, cpu = time.monotonic() - t, time.process_time() - cpu
        tokens = sum(o.extra.get("tokens", 0) for o in outputs) / max(len(outputs), 1)
        # CPU time per item does not depend on what else runs on the machine; wall-clock items/s does
        print(
            f"{name:>5}: {len(batch)} items in {dt:.1f} s = {len(batch) / dt:.1f} items/s; "
            f"{1000 * cpu / len(batch):.0f} ms CPU per item; mean {tokens:.0f} tokens read per item; "
            f"peak RSS {peak_rss_mb():.0f} MB (before: {rss_before:.0f} MB)"
        )
        figures[f"classify_{name}_items_per_s"] = len(batch) / dt
        figures[f"classify_{name}_tokens_per_item"] = tokens
        figures[f"classify_{name}_cpu_ms_per_item"] = 1000 * cpu / len(batch)
    if args.json:
        import json

        figures.update(
            {
                "classify_items": args.items,
                "classify_threads": args.threads,
                "classify_load_s": load_s,
                "classify_peak_rss_mb": peak_rss_mb(),
            }
        )
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh)


if __name__ == "__main__":
    main()
