"""Untouched practice notebooks run top to bottom and every check says "not attempted yet"."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PRACTICE = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "".join(parts)


@pytest.mark.parametrize("path", PRACTICE, ids=[p.name for p in PRACTICE])
def test_untouched_practice_notebook_runs_and_reports_not_attempted(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    checks = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        stderr = [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"{path.name}: a cell wrote to stderr: {''.join(stderr)[:300]}"
        for line in cell.source.splitlines():
            if line.strip().endswith(".check()") and not line.strip().startswith("#"):
                checks += 1
                text = _text(cell.outputs)
                key = line.strip().split(".")[0]
                assert f"{key} not attempted yet" in text, f"{path.name}: {key}.check() said {text!r}"
    assert checks >= 3, f"{path.name} should have at least three checked exercises, found {checks}"


def test_every_lesson_has_practice_and_solution_notebooks():
    lessons = sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert lessons, "no lessons found"
    for n in lessons:
        assert list((ROOT / "exercises").glob(f"{n}_*.ipynb")), f"lesson {n} has no exercises/{n}_*.ipynb"
        assert list((ROOT / "solutions").glob(f"{n}_*.ipynb")), f"lesson {n} has no solutions/{n}_*.ipynb"
