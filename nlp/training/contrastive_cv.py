"""SetFit-style contrastive fine-tuning of the encoder's top layers, measured by paired cross-validation.

Issue 12 asks whether contrastive fine-tuning of the transformer layers (word embeddings frozen; pairs
that share a label pulled together, hard negatives from sibling labels pushed apart) beats the frozen
encoder under the shipped heads. On 2 shared CPU cores only a cheap form fits, so this runs one:

- the frozen layers 1..(12 - K) run once over every train item (256 tokens, the encoder's own
  preparation and truncation) in float32 torch; their hidden states are kept in memory as float16;
- inside each training part of the CV harness's folds (never on the held-out fold), a copy of the top
  K layers is fine-tuned with SetFit's cosine loss on every pair of a batch: target 1 for pairs that
  share a label, 0 for pairs that share none (hard negatives: a pair whose labels are siblings, such as
  crypto_scam and security_breach, weighted up). Half of every batch is drawn from items holding a
  sibling label, so hard negatives occur in every batch;
- the tuned and the frozen top layers then give the same three poolings (mean | lead-32 | max) for all
  items, and the shipped design (ridge heads + keyword indicators, nlp/training/design.py) is fitted on
  the training part and scored on the held-out fold, for both: a paired comparison fold by fold.

Run: `python -m nlp.training.contrastive_cv --repeats 1 --folds 5 --top-layers 2 --out result.json`.
The test split is never read. Results: docs/classifier.md (measured, not kept).
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nlp import model_cache
from nlp.encoder import LEAD_TOKENS, PASSAGE
from nlp.text import prepare
from nlp.training import crossval, design
from nlp.training.folds import stratified_folds
from nlp.training.train import load_corpus

MAX_TOKENS = 256
SIBLINGS = (  # confusable label pairs named in issue 12: hard negatives for each other
    ("crypto_scam", "security_breach"),
    ("market_manipulation", "crypto_scam"),
    ("speculative_bubble", "market_manipulation"),
    ("industry_self_regulation", "regulation_enforcement"),
)
REPORTED = ("industry_self_regulation", "speculative_bubble", "market_manipulation", "crypto_scam", "security_breach")


def token_ids(texts: list[str]) -> list[list[int]]:
    """Token ids as nlp/encoder.py reads them: the passage prefix, <s> + the first tokens + </s>."""
    from tokenizers import Tokenizer  # the encoder's own tokenizer file

    tok = Tokenizer.from_file(str(model_cache.tokenizer_path()))
    tok.no_padding()
    tok.no_truncation()
    out = []
    for enc in tok.encode_batch([PASSAGE + t for t in texts]):
        ids = enc.ids
        out.append(ids[: MAX_TOKENS - 1] + [ids[-1]] if len(ids) > MAX_TOKENS else ids)
    return out


def batches_by_length(lengths: list[int], size: int) -> Iterator[np.ndarray]:
    order = np.argsort(lengths)
    for a in range(0, len(order), size):
        yield order[a : a + size]


def pad(states: list[np.ndarray], rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """[batch, longest, hidden] float32 states and [batch, longest] mask of the rows."""
    longest = max(len(states[i]) for i in rows)
    x = torch.zeros(len(rows), longest, states[rows[0]].shape[1])
    mask = torch.zeros(len(rows), longest)
    for b, i in enumerate(rows):
        n = len(states[i])
        x[b, :n] = torch.from_numpy(states[i].astype(np.float32))
        mask[b, :n] = 1
    return x, mask


def run_layers(layers: Any, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    extended = (1.0 - mask[:, None, None, :]) * torch.finfo(x.dtype).min
    for layer in layers:
        out = layer(x, attention_mask=extended)
        x = out[0] if isinstance(out, tuple) else out
    return x


def frozen_states(model: Any, ids: list[list[int]], keep: int, batch: int = 16) -> list[np.ndarray]:
    """Hidden states after the first `keep` layers, per item (float16, unpadded)."""
    out: list[np.ndarray] = [np.zeros(0)] * len(ids)
    with torch.no_grad():
        for rows in batches_by_length([len(t) for t in ids], batch):
            longest = max(len(ids[i]) for i in rows)
            input_ids = torch.full((len(rows), longest), model.config.pad_token_id, dtype=torch.long)
            mask = torch.zeros(len(rows), longest)
            for b, i in enumerate(rows):
                input_ids[b, : len(ids[i])] = torch.tensor(ids[i])
                mask[b, : len(ids[i])] = 1
            x = model.embeddings(input_ids=input_ids)
            x = run_layers(model.encoder.layer[:keep], x, mask)
            for b, i in enumerate(rows):
                out[i] = x[b, : len(ids[i])].numpy().astype(np.float16)
    return out


def mean_pool(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)


def pooled_features(top: Any, states: list[np.ndarray], batch: int = 32) -> np.ndarray:
    """mean | lead | max of the top layers' output, each L2-normalised, as nlp/encoder.py pools."""
    out = np.zeros((len(states), 3 * states[0].shape[1]), np.float32)
    with torch.no_grad():
        for rows in batches_by_length([len(s) for s in states], batch):
            x, mask = pad(states, rows)
            h = run_layers(top, x, mask)
            lead = mask.clone()
            lead[:, LEAD_TOKENS:] = 0
            maxed = h.masked_fill(mask[..., None] == 0, float("-inf")).amax(1)
            parts = [mean_pool(h, mask), mean_pool(h, lead), maxed]
            out[rows] = torch.cat([torch.nn.functional.normalize(p, dim=-1) for p in parts], dim=1).numpy()
    return out


def pair_targets(y: torch.Tensor, sibling: torch.Tensor, hard_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per pair of a batch: target cosine (1 shares a label, 0 not) and weight (hard negatives heavier)."""
    shared = (y @ y.T) > 0
    hard = ((y @ sibling @ y.T) > 0) & ~shared
    target = shared.float()
    weight = torch.ones_like(target) + hard.float() * (hard_weight - 1)
    weight.fill_diagonal_(0)
    return target, weight


def fine_tune(
    top: Any,
    states: list[np.ndarray],
    y: np.ndarray,
    sibling: np.ndarray,
    rows: np.ndarray,
    *,
    epochs: int,
    batch: int,
    lr: float,
    hard_weight: float,
    seed: int,
) -> Any:
    """A copy of the top layers, tuned with SetFit's cosine loss on in-batch pairs of `rows`."""
    tuned = copy.deepcopy(top)
    tuned.train()
    opt = torch.optim.AdamW(tuned.parameters(), lr=lr)
    rng = np.random.RandomState(seed)
    has_sibling = rows[(y[rows] @ sibling.sum(axis=1) > 0)]
    sib = torch.from_numpy(sibling.astype(np.float32))
    steps = epochs * max(1, len(rows) // batch)
    for _ in range(steps):
        chosen = np.concatenate(
            [rng.choice(has_sibling, batch // 2, replace=False), rng.choice(rows, batch - batch // 2, replace=False)]
        )
        chosen = np.unique(chosen)
        x, mask = pad(states, chosen)
        emb = torch.nn.functional.normalize(mean_pool(run_layers(tuned, x, mask), mask), dim=-1)
        target, weight = pair_targets(torch.from_numpy(y[chosen].astype(np.float32)), sib, hard_weight)
        loss = (weight * (emb @ emb.T - target) ** 2).sum() / weight.sum()
        opt.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        opt.step()
    tuned.eval()
    return tuned


def sibling_matrix(labels: list[str]) -> np.ndarray:
    s = np.zeros((len(labels), len(labels)))
    for a, b in SIBLINGS:
        s[labels.index(a), labels.index(b)] = s[labels.index(b), labels.index(a)] = 1
    return s


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--top-layers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--hard-weight", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    from transformers import XLMRobertaModel  # the converted folder of the model cache

    started = time.monotonic()
    lc = load_corpus()
    rows = lc.rows("train")  # the test split is never read below
    corpus = lc.corpus.subset(rows)
    texts = [prepare(lc.items[i].title, lc.items[i].text, lc.items[i].lang).text for i in rows]
    model = XLMRobertaModel.from_pretrained(str(model_cache.ensure_transformers_folder()))
    model.eval()  # type: ignore[no-untyped-call]
    keep = model.config.num_hidden_layers - args.top_layers
    states = frozen_states(model, token_ids(texts), keep)
    top = model.encoder.layer[keep:]
    frozen_pooled = pooled_features(top, states)
    report: dict[str, Any] = {"settings": vars(args) | {"out": str(args.out)}, "items": len(rows)}
    report["frozen_pass_s"] = round(time.monotonic() - started, 1)
    print(f"frozen layers 1..{keep} over {len(rows)} items: {report['frozen_pass_s']} s", flush=True)

    langs = corpus.langs
    lang_onehot = np.stack([langs == lang for lang in np.unique(langs)], axis=1)
    sibling = sibling_matrix(corpus.labels)
    folds: list[dict[str, Any]] = []
    pooled_pred = {"frozen": [], "tuned": []}  # type: dict[str, list[np.ndarray]]
    for r in range(args.repeats):  # the same splits as nlp/training/crossval.run (seed 0 + repeat)
        fold_of = stratified_folds(corpus.y, args.folds, seed=r, extra=lang_onehot)
        preds = {name: np.zeros(corpus.y.shape, bool) for name in pooled_pred}
        for k in range(args.folds):
            t0 = time.monotonic()
            train, test = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
            tuned = fine_tune(
                top,
                states,
                corpus.y,
                sibling,
                train,
                epochs=args.epochs,
                batch=args.batch,
                lr=args.lr,
                hard_weight=args.hard_weight,
                seed=r * args.folds + k,
            )
            tune_s = time.monotonic() - t0
            scores: dict[str, Any] = {}
            for name, pooled in (("frozen", frozen_pooled), ("tuned", pooled_features(tuned, states))):
                variant = design.Corpus(
                    pooled,
                    corpus.label_hits,
                    corpus.term_hits,
                    corpus.term_label,
                    corpus.terms,
                    corpus.langs,
                    corpus.y,
                    corpus.labels,
                )
                predictor = design.fit_predictor(design.SHIPPED, variant, train, seed=r * args.folds + k)
                preds[name][test] = predictor.predict(variant, test)
                scores[name] = crossval.macro_f1(corpus.y[test], preds[name][test])
                f1 = crossval.f1_per_label(corpus.y[test], preds[name][test])[0]
                scores[f"{name}_labels"] = dict(zip(corpus.labels, f1.round(4).tolist()))
            folds.append({"repeat": r, "fold": k, **scores, "tune_s": round(tune_s, 1)})
            folds[-1]["fold_s"] = round(time.monotonic() - t0, 1)
            print(json.dumps(folds[-1]), flush=True)
            report["folds"] = folds
            args.out.write_text(json.dumps(report, indent=1))
        for name in pooled_pred:
            pooled_pred[name].append(crossval.f1_per_label(corpus.y, preds[name])[0])

    share = 1.0 / args.folds
    frozen = np.array([f["frozen"] for f in folds])
    tuned_scores = np.array([f["tuned"] for f in folds])
    report["frozen"] = crossval.corrected_interval(frozen, share)
    report["tuned"] = crossval.corrected_interval(tuned_scores, share)
    report["difference"] = crossval.corrected_interval(tuned_scores - frozen, share)
    report["per_label_difference"] = {
        lab: crossval.corrected_interval(
            np.array([f["tuned_labels"][lab] - f["frozen_labels"][lab] for f in folds]), share
        )
        for lab in corpus.labels
    }
    report["per_label"] = {
        name: dict(zip(corpus.labels, np.mean(v, axis=0).round(3).tolist())) for name, v in pooled_pred.items()
    }
    report["total_s"] = round(time.monotonic() - started, 1)
    args.out.write_text(json.dumps(report, indent=1))
    print(json.dumps({k: report[k] for k in ("frozen", "tuned", "difference", "total_s")}))
    for lab in REPORTED:
        d, lo, hi = report["per_label_difference"][lab]
        print(
            f"{lab:28s} frozen {report['per_label']['frozen'][lab]:.3f} tuned {report['per_label']['tuned'][lab]:.3f}"
            f" paired {d:+.3f} [{lo:+.3f}, {hi:+.3f}]"
        )


if __name__ == "__main__":
    main()
