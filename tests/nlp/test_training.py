"""`chainwatch train` on a slice of the real labelled data, with a label added by a user."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from chainwatch import taxonomy
from chainwatch.cli import app
from chainwatch.contracts import ClassifierInput
from nlp.classifier import load_classifier

NEW_LABEL = {
    "id": "nft_market",
    "kind": "risk",
    "name": "NFT market",
    "description": "Non-fungible tokens: NFT sales, collections, marketplaces.",
    "keywords": {"en": ["NFT", "non-fungible"], "zh": ["数字藏品"]},
}


def test_train_with_an_added_label_writes_a_usable_model(tmp_path, monkeypatch, labelled_rows):
    # the taxonomy file with one more label, and data labelled with it (items that talk about NFTs)
    raw = yaml.safe_load(taxonomy.DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["labels"].append(NEW_LABEL)
    tax = tmp_path / "taxonomy.yaml"
    tax.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("CHAINWATCH_TAXONOMY", str(tax))

    rows = []
    for split, n in (("train", 160), ("test", 60)):
        part = [r for r in labelled_rows if r["split"] == split]
        nft = [r for r in part if "NFT" in r["title"] + r["text"]][: n // 4]
        rows += [
            dict(r) for r in nft + [r for r in part if r not in nft][: n - len(nft)]
        ]  # copies: the fixture is shared
    for r in rows:
        if "NFT" in r["title"] + r["text"]:
            r["labels"] = sorted(set(r["labels"]) | {"nft_market"})
    data = tmp_path / "labelled.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    model_dir = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--model-dir", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "trained heads" in result.output and "keywords" in result.output
    assert "test split, English" in result.output and "nft_market" in result.output

    info = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    assert info["training"]["train_items"] == 160 and info["training"]["test_items"] == 60
    assert set(info["thresholds"]) == set(taxonomy.label_ids()) and "nft_market" in info["thresholds"]
    assert 0.0 <= info["metrics"]["test"]["macro_f1"] <= 1.0
    lo, hi = info["metrics"]["test"]["macro_f1_interval"]
    assert lo <= info["metrics"]["test"]["macro_f1"] <= hi
    assert info["metrics"]["test"]["per_label"]["nft_market"]["support"] > 0
    assert "test_en" in info["metrics"] and "test_en_keywords" in info["metrics"]

    clf = load_classifier(model_dir)
    assert clf.version == info["version"] and clf.version != load_classifier().version
    out = clf.predict(
        [
            ClassifierInput(
                "n",
                "Bored Ape NFT collection sells out in minutes",
                "The NFT marketplace OpenSea saw record volume for the collection.",
            )
        ]
    )[0]
    assert "nft_market" in out.scores and "nft_market" in out.labels
