"""Metrics, thresholds, keyword matching and the logistic heads, on small known cases."""

from __future__ import annotations

import numpy as np

from chainwatch.taxonomy import Label
from nlp import baselines, heads, metrics
from nlp.training import design


def test_per_label_micro_and_macro_f1():
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    p = np.array([[1, 0], [0, 0], [0, 1], [0, 1]])
    m = metrics.score(y, p, ["a", "b"])
    a, b = m.per_label
    assert (a.precision, a.recall, a.f1) == (1.0, 0.5, 0.6667)
    assert (b.precision, b.recall, b.f1) == (0.5, 1.0, 0.6667)
    assert m.macro_f1 == 0.6667 and m.micro_f1 == 0.6667 and m.min_f1 == 0.6667


def test_labels_without_support_do_not_count_in_macro_f1():
    m = metrics.score(np.array([[1, 0], [0, 0]]), np.array([[1, 0], [0, 0]]), ["a", "b"])
    assert m.macro_f1 == 1.0 and m.per_label[1].support == 0


def test_best_threshold_separates_and_sits_between_scores():
    scores = np.array([0.9, 0.8, 0.35, 0.3, 0.1])
    truth = np.array([1, 1, 0, 0, 0])
    t = metrics.best_threshold(scores, truth)
    assert 0.35 < t < 0.8
    assert metrics.best_threshold(scores, np.zeros(5)) > scores.max()


def test_keyword_matching_respects_words_case_and_chinese():
    lab = Label("x", "risk", "X", "d", {"en": ("ban", "hack", "SEC"), "zh": ("传销",)})
    assert baselines.keyword_hits("Exchange hacked overnight", lab) == ["hack"]
    assert baselines.keyword_hits("the bank opened a branch", lab) == []  # ban != bank
    assert baselines.keyword_hits("the second filing", lab) == []  # SEC is case-sensitive
    assert baselines.keyword_hits("The SEC sued", lab) == ["SEC"]
    assert baselines.keyword_hits("警方破获一起传销案", lab) == ["传销"]


def _fit(x, y, labels):
    """Heads as `chainwatch train` fits them (ridge, sigmoids and thresholds from inner folds)."""
    corpus = design.Corpus(
        pooled=np.hstack([x, np.zeros((len(x), 2 * x.shape[1]))]).astype(np.float32),
        label_hits=np.zeros((len(x), len(labels)), np.float32),
        term_hits=np.zeros((len(x), 0), np.float32),
        term_label=np.zeros(0, int),
        terms=[],
        langs=np.array(["en"] * len(x)),
        y=y,
        labels=labels,
    )
    p = design.fit_predictor(design.Design("test", keywords="none"), corpus, np.arange(len(x)))
    w = p.heads.weights[:, : x.shape[1]]
    return heads.Heads(labels, w, p.heads.bias, p.thresholds["*"].astype(np.float32))


def test_heads_learn_separable_labels_and_round_trip(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.normal(size=(200, 8)).astype(np.float32)
    y = np.stack([(x[:, 0] > 0.5), (x[:, 1] + x[:, 2] > 0)], axis=1).astype(np.int8)
    h = _fit(x, y, ["a", "b"])
    assert (h.predict(x) == y.astype(bool)).mean() > 0.95
    h.save(tmp_path / "heads.npz")
    again = heads.Heads.load(tmp_path / "heads.npz")
    assert again.labels == ["a", "b"]
    assert np.allclose(again.probabilities(x), h.probabilities(x), atol=1e-5)


def test_a_label_without_examples_gets_a_head_that_never_fires():
    x = np.random.RandomState(1).normal(size=(30, 4))
    y = np.zeros((30, 1), np.int8)
    h = _fit(x, y, ["never"])
    assert not h.predict(x).any()


def test_keyword_prefilter_gives_exactly_what_the_regexes_give(labelled_rows):
    # the substring prefilter may only skip work, never change a hit: compare with the bare regexes
    from chainwatch import taxonomy
    from nlp import baselines

    labels = taxonomy.load()
    tricky = [
        "SCAMS everywhere",
        "scammer",
        "Ponzi-like",
        "an ICO",
        "a bico",
        "sec filing",
        "SEC filing",
        "地下钱庄洗钱",
        "Tornado  Cash",
        "Kelvin: \u212aYC",
        "wash-trading",
        "\u017fcam",
        "",
    ]
    texts = [r["title"] + "\n" + r["text"] for r in labelled_rows] + tricky
    patterns = [baselines.keyword_pattern(baselines._keywords(lab)) for lab in labels]
    reference = [[bool(p and p.search(t)) for p in patterns] for t in texts]
    assert baselines.keyword_predictions(texts, labels).tolist() == reference
    assert sum(map(sum, reference)) > 1000  # the comparison covers many hits, not only misses
