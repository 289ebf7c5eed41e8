"""The benchmark suite runs end to end (`python -m bench --quick`, tiny sizes) and reports every figure.

No timing is asserted: only that every part ran against real components and wrote its figures.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from bench.__main__ import METRICS, PARTS

ROOT = Path(__file__).resolve().parents[2]


def test_quick_suite_writes_every_metric(tmp_path):
    out = tmp_path / "results" / "latest.json"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--pages", "40", "--items", "8",
                           "--ingest-rows", "200", "--rows", "2000", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["parts"]) == set(PARTS)
    assert all(part["error"] is None for part in result["parts"].values())
    for key, *_ in METRICS:
        value = result["metrics"][key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, key
    assert result["sizes"]["rows"] == 2000 and result["quick"] is True
    assert result["parts"]["ingest"]["figures"]["ingest_stored"] == 200
    assert result["parts"]["digest"]["figures"]["digest_articles"] == 2000
    assert result["parts"]["search"]["figures"]["search_rows"] == 2000
    assert result["machine"]["cpus"] >= 1 and result["machine"]["postgresql"][:1].isdigit()
    # the table printed is the one stored, one line per metric
    assert proc.stdout.strip() == result["table"]
    assert all(label in proc.stdout for _, label, *_ in METRICS)
    # each part's own output is kept next to the results
    assert all((out.parent / f"{name}.log").stat().st_size > 0 for name in PARTS)
