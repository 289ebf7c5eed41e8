"""Files written so that a crash never leaves half of one: a temporary file, then a rename.

The content goes to a hidden temporary file in the same folder, is flushed and synced, then renamed over
the target (atomic on POSIX). On an error the temporary file is removed and the previous file is untouched;
a kill -9 can leave the hidden `.NAME.*.tmp` behind, never a damaged target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def replacing(path: Path | str, *, mode: int = 0o644) -> Iterator[IO[str]]:
    """`with replacing(path) as fh: fh.write(...)`: `path` changes only when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, content: str) -> Path:
    """Write `content` to `path` atomically: a reader sees the old file or the new one, never half."""
    with replacing(path) as fh:
        fh.write(content)
    return path
