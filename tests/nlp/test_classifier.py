"""The committed model on real and hostile input: contract, statuses, evidence, a batch that survives."""

from __future__ import annotations

import re

import pytest

from chainwatch import taxonomy
from chainwatch.contracts import ClassifierInput, ClassifierOutput
from nlp.classifier import Classifier, ModelNotTrained, load_classifier
from nlp.encoder import Encoder

HACK = ClassifierInput(
    "hack",
    "Hackers drain $600 million from Poly Network bridge",
    "Attackers exploited a vulnerability in the cross-chain protocol and stole user funds. "
    "The team asked the hacker to return the money. Bitcoin traded flat.",
    "en",
)
CBDC_ZH = ClassifierInput(
    "cbdc",
    "央行：数字人民币试点范围扩大",
    "中国人民银行表示，数字人民币试点将扩大到更多城市。专家认为这将推动支付体系改革。",
    "zh",
)
PRICE = ClassifierInput(
    "price", "Bitcoin holds above $60,000", "Bitcoin traded sideways on Tuesday as volumes fell.", "en"
)


def test_contract_and_versions(classifier):
    out = classifier.predict([HACK])[0]
    assert isinstance(out, ClassifierOutput)
    assert out.model_version == classifier.version and re.match(
        r"^me5s-L\d+-int8\+ridge-[0-9a-f]{10}$", out.model_version
    )
    assert set(out.scores) == set(taxonomy.label_ids())
    assert all(0.0 <= p <= 1.0 for p in out.scores.values())
    assert load_classifier() is classifier  # one per process


def test_clear_items_get_their_labels_with_evidence_from_the_text(classifier):
    hack, cbdc, price = classifier.predict([HACK, CBDC_ZH, PRICE])
    assert hack.status == "ok" and "security_breach" in hack.labels
    assert "cbdc" in cbdc.labels
    assert price.labels == []
    for out, item in ((hack, HACK), (cbdc, CBDC_ZH)):
        assert set(out.evidence) == set(out.labels)
        for ev in out.evidence.values():
            for sentence in ev.split(" … "):
                assert sentence in item.title + "\n" + item.text
    assert "stole" in hack.evidence["security_breach"] or "exploited" in hack.evidence["security_breach"]


def test_positive_labels_are_those_at_or_above_their_threshold(classifier):
    out = classifier.predict([HACK])[0]
    thresholds = dict(zip(classifier.heads.labels, classifier.heads.thresholds))
    assert out.labels == sorted(
        (l for l, p in out.scores.items() if p >= round(float(thresholds[l]), 4) - 1e-4), key=lambda l: -out.scores[l]
    )


def test_bad_input_gets_a_status_and_the_batch_goes_on(classifier):
    items = [
        ClassifierInput(1, "", ""),
        ClassifierInput(2, "junk", "\x00\x01\x02\x03\x04" * 200),
        ClassifierInput(3, "Bitcoin rises", "Bitcoin rose 3% on Tuesday. " * 400, "en"),
        ClassifierInput(
            4, "Die BaFin verklagt eine Börse", "Die Aufsicht verhängte eine Geldbuße wegen Geldwäsche.", "de"
        ),
        HACK,
    ]
    out = {o.id: o for o in classifier.predict(items)}
    assert [out[i].status for i in (1, 2, 3, 4)] == ["empty", "error", "truncated", "ok"]
    assert out[1].scores == {} and out[2].labels == []
    assert "read the first 256 of" in out[3].detail and out[3].scores
    assert "'de'" in out[4].detail
    assert "security_breach" in out["hack"].labels


class _FailsOnMarker(Encoder):
    """The real encoder, except that any batch holding the marker raises (as a corrupt input might)."""

    def encode(self, texts, spans=None, **kw):
        if any("FAIL-HERE" in t for t in texts):
            raise RuntimeError("simulated encoder failure")
        return super().encode(texts, spans, **kw)


def test_an_encoder_failure_fails_only_its_item(classifier, encoder):
    failing = object.__new__(_FailsOnMarker)
    failing.__dict__.update(encoder.__dict__)
    clf = Classifier(classifier.heads, classifier.info, encoder=failing)
    out = clf.predict([HACK, ClassifierInput("bad", "FAIL-HERE", "text"), PRICE])
    assert [o.status for o in out] == ["ok", "error", "ok"]
    assert "simulated encoder failure" in out[1].detail
    assert "security_breach" in out[0].labels


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotTrained, match="chainwatch train"):
        load_classifier(tmp_path)


def test_heads_trained_before_the_three_poolings_are_a_clear_error(tmp_path):
    import json
    import shutil

    from nlp.classifier import MODEL_DIR

    shutil.copy(MODEL_DIR / "heads.npz", tmp_path / "heads.npz")
    info = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    del info["encoder"]["lead_tokens"]  # as model.json was before the lead and max poolings
    (tmp_path / "model.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(ModelNotTrained, match="lead_tokens.*chainwatch train"):
        load_classifier(tmp_path)


def test_keywords_count_only_in_the_part_the_model_read(classifier):
    filler = " ".join(["Bitcoin traded sideways on Tuesday as volumes fell."] * 40)  # far past 256 tokens
    tail_kw = ClassifierInput("a", PRICE.title, filler + " Money laundering through the Tornado Cash mixer.")
    tail_plain = ClassifierInput("b", PRICE.title, filler + " Analysts expect more of the same next week.")
    head_kw = ClassifierInput("c", PRICE.title, "Money laundering through the Tornado Cash mixer. " + filler)
    a, b, c = classifier.predict([tail_kw, tail_plain, head_kw])
    assert a.status == b.status == "truncated"
    assert a.scores == b.scores  # the unread tail changes nothing
    assert c.scores["money_laundering"] > a.scores["money_laundering"]


def test_the_failures_named_in_issue_12_are_fixed(classifier):
    """Headline patterns the previous model got wrong (probabilities 0.00-0.06 for pump-and-dump and
    insider trading; phishing taken for hacks; a hijacked account's giveaway missed)."""
    cases = {
        "Crypto trader charged in pump-and-dump scheme": {"market_manipulation"},
        "Former exchange manager charged with insider trading": {"market_manipulation"},
        "Hackers hijack Twitter account to promote bitcoin giveaway scam": {"security_breach", "crypto_scam"},
        "Wallet drainer phishing kit steals $5M from NFT holders": {"crypto_scam"},
    }
    outs = classifier.predict([ClassifierInput(str(i), t, "", "en") for i, t in enumerate(cases)])
    for (title, want), out in zip(cases.items(), outs):
        assert want <= set(out.labels), (title, out.labels)
    assert "security_breach" not in outs[3].labels  # phishing with no compromise is not a hack
    russia = classifier.predict(
        [ClassifierInput("r", "Russia passes first reading of a bill to ban digital assets as a means of payment", "")]
    )[0]
    assert "regulation_enforcement" in russia.labels and "cbdc" not in russia.labels
