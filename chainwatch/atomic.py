"""Files written by rename: a crash, a kill or a full disk never leaves a half-written or empty file
where a good one was. The content goes to a hidden temporary file in the same folder, is flushed and
synced, then renamed over the target (atomic on POSIX); on any error the temporary file is removed."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator


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


def write_text(path: Path | str, content: str) -> Path:
    """Write a whole text file by rename."""
    with replacing(path) as fh:
        fh.write(content)
    return Path(path)
