"""The cross-validation harness (nlp/training/crossval.py): folds, intervals, and that it can tell a
real difference from none. Synthetic corpora, no encoder: every test here runs in seconds."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.training import crossval, design


def synthetic_corpus(n: int = 360, *, signal: float = 3.0, seed: int = 0) -> design.Corpus:
    """Three labels; label j is positive when feature j (plus noise) is high; two languages."""
    rng = np.random.RandomState(seed)
    hidden = 8
    latent = rng.randn(n, 3)
    y = (latent + 0.5 * rng.randn(n, 3) > 0.9).astype(np.int8)
    pooled = rng.randn(n, 3 * hidden).astype(np.float32)
    pooled[:, :3] += signal * latent
    langs = np.where(rng.rand(n) < 0.3, "zh", "en")
    pooled[langs == "zh", 3:6] += 2.0  # a language offset that centring should remove
    return design.Corpus(
        pooled=pooled,
        label_hits=np.zeros((n, 3), np.float32),
        term_hits=np.zeros((n, 0), np.float32),
        term_label=np.zeros(0, int),
        terms=[],
        langs=langs,
        y=y,
        labels=["a", "b", "c"],
    )


def test_folds_cover_every_item_once_and_share_each_label_evenly():
    rng = np.random.RandomState(1)
    y = (rng.rand(500, 6) < [0.02, 0.05, 0.1, 0.2, 0.3, 0.01]).astype(bool)
    fold = crossval.stratified_folds(y, 5, seed=3)
    assert set(fold) == {0, 1, 2, 3, 4}
    for j in range(y.shape[1]):
        per_fold = np.bincount(fold[y[:, j]], minlength=5)
        assert per_fold.max() - per_fold.min() <= 1, (j, per_fold)
    sizes = np.bincount(fold)
    assert sizes.max() - sizes.min() <= 8  # sizes are balanced loosely; labels strictly
    assert (crossval.stratified_folds(y, 5, seed=3) == fold).all()  # seeded: reproducible
    assert (crossval.stratified_folds(y, 5, seed=4) != fold).any()  # another seed: other folds


def test_corrected_interval_is_wider_than_the_naive_one_and_centred_on_the_mean():
    scores = np.array([0.60, 0.62, 0.65, 0.61, 0.64, 0.63, 0.59, 0.66, 0.62, 0.60])
    mean, lo, hi = crossval.corrected_interval(scores, test_share=0.2)
    assert mean == pytest.approx(scores.mean())
    naive = 2.262 * scores.std(ddof=1) / np.sqrt(len(scores))
    assert hi - lo > 2 * naive
    assert lo < mean < hi


def test_bootstrap_interval_contains_the_point_estimate():
    rng = np.random.RandomState(0)
    y = rng.rand(200, 3) < 0.2
    pred = y ^ (rng.rand(200, 3) < 0.1)
    f1, lo, hi = crossval.bootstrap_interval(y, pred, samples=300)
    assert lo <= f1 <= hi
    assert 0.0 < lo < hi < 1.0


def test_the_harness_finds_a_real_gain_and_no_gain_between_equal_designs():
    corpus = synthetic_corpus()
    kinds = np.array(["news"] * len(corpus.y))
    good = design.Design("informative", alpha=1.0)
    same = design.Design("same again", alpha=1.0)
    blind = design.Design("heavily shrunk", alpha=1e6)  # the signal is regularised away
    report = crossval.run([good, same, blind], corpus, kinds, repeats=2, folds=5, seed=0)
    gain, lo, hi = report.difference("heavily shrunk")
    assert hi < 0, "an interval that excludes 0: the shrunk design is worse"
    d, dlo, dhi = report.difference("same again")
    assert d == 0 and dlo <= 0 <= dhi
    assert report.interval("informative")[0] > 0.55
    assert set(report.result("informative").groups) == {"lang=en", "lang=zh", "kind=news"}
    assert "informative" in report.table()


def test_thresholds_and_sigmoids_never_see_the_scored_rows():
    corpus = synthetic_corpus(seed=2)
    rows = np.arange(250)
    first = design.fit_predictor(design.Design("d"), corpus, rows)
    corpus.y[250:] = 1 - corpus.y[250:]  # change only the labels of rows not fitted on
    second = design.fit_predictor(design.Design("d"), corpus, rows)
    assert np.array_equal(first.heads.weights, second.heads.weights)
    assert np.array_equal(first.thresholds["*"], second.thresholds["*"])


def test_language_centring_removes_a_language_offset():
    corpus = synthetic_corpus()
    rows = np.arange(len(corpus.y))
    d = design.Design("centred", centre=True)
    centres = design.language_centres(corpus, rows)
    x = design.features(d, corpus, rows, centres, np.zeros(0, int))
    en, zh = x[corpus.langs == "en"], x[corpus.langs == "zh"]
    assert np.abs(en[:, 3:6].mean(axis=0) - zh[:, 3:6].mean(axis=0)).max() < 0.1


def test_train_only_items_train_every_part_are_never_scored_and_keep_the_folds():
    corpus = synthetic_corpus(300, signal=0.6)
    extra = synthetic_corpus(300, signal=0.6, seed=5)  # more items of the same kind
    both = design.Corpus(
        pooled=np.vstack([corpus.pooled, extra.pooled]),
        label_hits=np.vstack([corpus.label_hits, extra.label_hits]),
        term_hits=np.zeros((600, 0), np.float32),
        term_label=np.zeros(0, int),
        terms=[],
        langs=np.concatenate([corpus.langs, extra.langs]),
        y=np.vstack([corpus.y, extra.y]),
        labels=corpus.labels,
    )
    kinds = np.array(["news"] * 600)
    new = np.arange(600) >= 300
    alone = crossval.run([design.SHIPPED], corpus, kinds[:300], repeats=2, folds=3)
    helped = crossval.run([design.SHIPPED], both, kinds, repeats=2, folds=3, train_only=new)
    assert helped.items == alone.items == 300  # only the old items are scored
    assert len(helped.results[0].fold_scores) == len(alone.results[0].fold_scores) == 6
    gain = helped.results[0].fold_scores - alone.results[0].fold_scores  # same folds: paired
    assert gain.mean() > 0  # twice the training data on a weak signal helps
    assert not (gain == 0).all()
