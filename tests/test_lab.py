"""`make lab` starts a JupyterLab server that serves the first lesson."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture
def lab_server(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token} --ServerApp.port_retries=0"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:  # the lab's own page, not /api/status: extensions register after the API answers
                _get(f"{base}/lab/tree/notebooks/00_welcome.ipynb?token={token}")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode(errors="replace") if proc.poll() is not None else ""
                    pytest.fail(f"make lab did not serve on {base}: {output[-2000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_make_lab_serves_the_first_lesson(lab_server):
    base, token = lab_server
    # Opening the server's default page lands on the first lesson.
    with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as response:
        assert response.status == 200 and response.url.split("?")[0].endswith("/lab/tree/notebooks/00_welcome.ipynb")
    status, body = _get(f"{base}/api/contents/notebooks/00_welcome.ipynb?token={token}")
    notebook = json.loads(body)["content"]
    assert status == 200 and notebook["cells"][1]["source"].startswith("# 00 ")
    # The server's root is the course folder, so practice and solutions are one click away.
    status, body = _get(f"{base}/api/contents?token={token}")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert {"notebooks", "exercises", "solutions"} <= names
    status, body = _get(f"{base}/api/kernelspecs?token={token}")
    assert "embeddings-course" in json.loads(body)["kernelspecs"], "make lab must register the course kernel"
