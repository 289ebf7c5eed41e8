"""Bytes to text for pages whose declared encoding may be wrong.

w3lib picks the encoding the way browsers do (BOM, HTTP header, <meta charset>, UTF-8). When
that decoding produces replacement characters the declaration lied: the page is then either
UTF-8 with stray legacy bytes (mixed: those bytes are read as cp1252) or wholly in another
encoding (detected with charset-normalizer). Either way the caller gets text plus the name of
the problem, so it can count it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode

_REPLACEMENT = "\ufffd"
_DETECT_BYTES = 256 * 1024  # enough for detection; whole pages can be megabytes


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):  # registered for decoding only; anything else stays an error
        raise err
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("chainwatch_cp1252", _cp1252_fallback)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    problem: str | None = None  # None | "bad_encoding" | "mixed_encoding"


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    encoding, text = html_to_unicode(content_type, body)
    bad = text.count(_REPLACEMENT) - body.count(b"\xef\xbf\xbd")
    if bad <= 0:
        return Decoded(text, encoding)
    try:
        return Decoded(body.decode("utf-8"), "utf-8", "bad_encoding")
    except UnicodeDecodeError:
        pass
    as_utf8 = body.decode("utf-8", errors="replace")
    invalid = as_utf8.count(_REPLACEMENT)
    valid_non_ascii = sum(1 for ch in as_utf8 if ord(ch) > 127) - invalid
    if valid_non_ascii and valid_non_ascii >= invalid:
        return Decoded(body.decode("utf-8", errors="chainwatch_cp1252"), "utf-8+cp1252", "mixed_encoding")

    best = from_bytes(body[:_DETECT_BYTES]).best()
    guessed = best.encoding if best is not None else "cp1252"
    return Decoded(body.decode(guessed, errors="replace"), guessed, "bad_encoding")
