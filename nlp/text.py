"""Input text for the classifier: one clean string per item, its sentences, and what was wrong with it.

Bad input never stops a batch: each item gets a status (ok | empty | truncated | error) and a detail.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Characters kept before tokenizing. Far more than the model reads (256 tokens is about 1,000
# characters of English): the cap only stops a huge item from costing time and memory.
MAX_CHARS = 20_000
# Share of control / replacement characters above which an item is taken for binary junk.
BINARY_SHARE = 0.05
TRAINED_LANGS = ("en", "zh")

_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])[\"'”’)\]」』]*\s+|(?<=[。！？；])|\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass
class PreparedText:
    text: str  # title + body, as the model reads it
    sentences: list[tuple[int, int]]  # (start, end) ranges of text
    status: str = "ok"  # ok | empty | truncated | error (before the model runs)
    notes: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.status not in ("empty", "error")


@lru_cache(maxsize=1)
def _junk() -> re.Pattern:
    """One character class for control, surrogate, private-use and unassigned characters and U+FFFD
    (not tab or line breaks). A regex scans a 20,000-character item at C speed; a per-character
    Python test of the same categories cost more than the rest of preparing it (measured)."""
    ranges, start = [], None
    for cp in range(sys.maxunicode + 2):
        bad = cp <= sys.maxunicode and (
            cp == 0xFFFD or (chr(cp) not in "\n\t\r" and unicodedata.category(chr(cp)) in ("Cc", "Cs", "Co", "Cn"))
        )
        if bad and start is None:
            start = cp
        elif not bad and start is not None:
            ranges.append(f"\\U{start:08x}-\\U{cp - 1:08x}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


def clean(value: object) -> str:
    """Any value to text with controls removed and spaces collapsed (NUL cannot be stored anyway)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value)
    text = _junk().sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def junk_share(*values: object) -> float:
    """Share of junk characters in the values taken together (title and body are judged as one)."""
    texts = [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v or "") for v in values]
    total = sum(len(t) for t in texts)
    return sum(len(_junk().findall(t)) for t in texts) / total if total else 0.0


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges: split after . ! ? ; and their CJK forms, and at line breaks."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start()
        if end > start and text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def prepare(title: object, body: object, lang: str | None = None) -> PreparedText:
    """Join title and body (the body alone when it repeats the title), and judge the input."""
    # judged on title and body together: two U+FFFD in a title, or one stray control character, are
    # cleaned away below; only an item that is mostly junk is taken for binary content
    if junk_share(title, body) > BINARY_SHARE:
        return PreparedText("", [], "error", ["binary or undecodable content"])
    title_s, body_s = clean(title), clean(body)
    if body_s.startswith(title_s):
        title_s = ""  # some sources repeat the title as the first line of the text
    text = "\n".join(part for part in (title_s, body_s) if part)
    if not any(ch.isalnum() for ch in text):
        return PreparedText("", [], "empty", ["no title or text"])
    status, notes = "ok", []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        status = "truncated"
    if lang and lang.split("-")[0].lower() not in TRAINED_LANGS:
        notes.append(f"language {lang!r} is not in the training data (the multilingual encoder still reads it)")
    return PreparedText(text, split_sentences(text), status, notes)
