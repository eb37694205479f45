"""Smoke test of benchmarks/reproduce_gcn_planetoid.py on the real Cora files (quick mode)."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "reproduce_gcn_planetoid.py"
PLANETOID_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "planetoid"

pytestmark = [
    pytest.mark.planetoid,
    pytest.mark.skipif(
        not (PLANETOID_DIR / "ind.cora.graph").is_file(),
        reason=f"the real Planetoid files are not in {PLANETOID_DIR} (see DATA.md); "
               "this test runs the reproduction on them",
    ),
]


def _load_script():
    spec = importlib.util.spec_from_file_location("reproduce_gcn_planetoid", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_gcn_on_cora_is_far_above_chance(tmp_path, monkeypatch, capsys):
    # A cache folder laid out as course_lib.data expects: <dataset>/<file>; no network needed.
    (tmp_path / "cora").mkdir()
    for file in PLANETOID_DIR.glob("ind.cora.*"):
        shutil.copy(file, tmp_path / "cora" / file.name)
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))  # restored after the test

    report = ROOT / "benchmarks" / "gcn_planetoid.md"
    before = report.read_text(encoding="utf-8") if report.exists() else None
    script = _load_script()
    results = script.main(["--quick", "--datasets", "cora", "--seeds", "1", "--data-dir", str(tmp_path)])

    (cora,) = results
    assert cora["dataset"] == "cora" and cora["published"] == 81.5
    assert len(cora["runs"]) == 1
    # 7 classes: chance is about 0.14 (0.32 for always the largest class); 50 epochs of the GCN get ~0.75.
    assert cora["test_mean"] > 0.6 and cora["val_mean"] > 0.6
    assert cora["runs"][0]["epochs"] == 50
    out = capsys.readouterr().out
    assert "| cora |" in out and "81.5" in out
    report = ROOT / "benchmarks" / "gcn_planetoid.md"
    assert (report.read_text(encoding="utf-8") if report.exists() else None) == before, \
        "a --quick run must not overwrite the full run's report"
