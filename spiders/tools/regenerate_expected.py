"""Rewrite the expected extraction results of source fixtures (after a deliberate parser change).

    python -m spiders.tools.regenerate_expected [SOURCE_ID ...]   # default: every source with fixtures

Like Fundus's generate_parser_test_files: the tests compare extraction against these files, so a
change in output shows up as a reviewable diff of tests/fixtures/spiders/sources/<id>.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spiders.registry import get_source, load_sources
from spiders.tools.fixtures import extract_fixture, load_record, record_path, save_record


def regenerate(source_ids: list[str] | None = None, base: Path | None = None) -> list[str]:
    sources = [get_source(s) for s in source_ids] if source_ids else load_sources()
    changed = []
    for source in sources:
        if not record_path(source.id, base).exists():
            continue
        record = load_record(source.id, base)
        expected = extract_fixture(source, base)
        if expected != record.get("expected"):
            record["expected"] = expected
            save_record(source.id, record, base)
            changed.append(source.id)
    return changed


def main(argv: list[str] | None = None) -> int:
    changed = regenerate((argv if argv is not None else sys.argv[1:]) or None)
    print(f"updated: {', '.join(changed)}" if changed else "no changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
