"""Keep a rendered digest: one `digests` row per (week, format), and files in the output folder."""
from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from chainwatch.digests.fetch import sql


def save(cur, iso_week: str, contents: dict[str, str], item_count: int, generated_at: datetime) -> None:
    """Upsert each format's content (`contents` maps 'html' / 'md' to text)."""
    for fmt, content in contents.items():
        cur.execute(sql("save_digest"), {"iso_week": iso_week, "format": fmt, "content": content,
                                         "item_count": item_count, "generated_at": generated_at})


def write_file(path: Path, content: str) -> Path:
    """Write atomically (temporary file, then rename): a reader never sees half a digest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
