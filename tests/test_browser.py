"""A real browser runs a lesson in JupyterLab: no cell errors, the widget renders and reacts.

JupyterLab serves a copy of lesson 01 from a temporary folder on 127.0.0.1 (a free port,
a random token); Debian's Chromium, driven by Playwright, opens it, runs every cell, and
checks that no cell shows an error, that the nearest-neighbour explorer rendered as a
widget (not its text fallback, not "Loading widget..."), and that moving its slider
changes what it shows. Screenshots go to build/screenshots/ (ignored by git).

Needs Chromium at /usr/bin/chromium (``apt-get install chromium``; .ci/run installs it)
and skips with that advice without it. Playwright's own browser downloads are never used.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON = "notebooks/01_vectors_and_similarity.ipynb"
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
# Generous: a 2-core machine shared by two pytest workers and other notebooks' kernels.
SERVER_START_S = 120
RUN_ALL_S = 420
WIDGET_S = 90

pytestmark = pytest.mark.browser

# JupyterLab user settings for the test: every cell in the DOM (no virtual scrolling),
# no news or update toasts over the notebook, and no autosave.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _require_browser() -> None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(Debian/Ubuntu; .ci/run does this), or set COURSE_CHROMIUM to a Chromium binary"
        )
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is missing: "
                        "pip install -r requirements.txt")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, method: str = "GET") -> bytes:
    request = urllib.request.Request(url, method=method)
    # Loopback only: never through a proxy.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return response.read()


def _start_lab(tmp_path: Path, root: Path) -> tuple[subprocess.Popen, str, str, Path]:
    """Start JupyterLab on a free port; retry if another process took the port meanwhile."""
    settings = tmp_path / "lab-settings"
    for name, value in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value))
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    last_log = ""
    for attempt in range(3):
        port, token = _free_port(), secrets.token_hex(16)
        log = tmp_path / f"lab-{attempt}.log"
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            # window.jupyterapp: lets the test read the kernel's state and each cell's outputs.
            "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        with open(log, "wb") as out:
            proc = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline and proc.poll() is None:
            try:  # the lab page itself: extensions register after the API answers
                _get(f"{base}/lab?token={token}")
                return proc, base, token, log
            except OSError:
                time.sleep(0.5)
        _stop_lab(proc, base, token)
        last_log = log.read_text(errors="replace")
        if "address already in use" not in last_log.lower():
            break
    pytest.fail(f"JupyterLab did not start:\n{last_log[-3000:]}")


def _stop_lab(proc: subprocess.Popen, base: str, token: str) -> None:
    # Kernels first (they run in sessions of their own), then the server's process group.
    if proc.poll() is None:
        try:
            for kernel in json.loads(_get(f"{base}/api/kernels?token={token}")):
                _get(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        except (OSError, ValueError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture
def lab(tmp_path):
    _require_browser()
    # A copy of the lesson: running it in the browser must never touch the repository's file.
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / LESSON, root / LESSON)
    proc, base, token, log = _start_lab(tmp_path, root)
    try:
        yield base, token, log
    finally:
        _stop_lab(proc, base, token)


def _screenshot(page_or_element, name: str, shots: list[Path]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"lesson01_{name}.png"
    page_or_element.screenshot(path=str(path))
    shots.append(path)
    print(f"screenshot: {path}")


# JavaScript run in the page. Every code cell's prompt: "[*]" while queued or running,
# "[12]" once done.
PROMPTS_JS = """() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
                       .map(p => p.textContent.trim())"""
KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""
NOTHING_RUN_JS = """() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
                           .every(p => !/\\d/.test(p.textContent))"""
ALL_RUN_JS = """() => {
  const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
                       .map(p => p.textContent.trim());
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:?$/.test(p))
         && !!kernel && kernel.status === 'idle';
}"""
# Problems in the notebook's model, whatever is scrolled into view: error outputs and stderr.
PROBLEMS_JS = """() => {
  const problems = [];
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') problems.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr') problems.push(`cell ${i} stderr: ${out.text}`);
    }
  }
  return problems;
}"""


def test_lesson_runs_in_jupyterlab_and_its_explorer_reacts(lab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    base, token, log = lab
    shots: list[Path] = []
    page_errors: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(Path(log).parent / "chromium-profile"),  # fresh profile per test
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            try:
                _drive(page, base, token, shots)
            except (AssertionError, PlaywrightTimeout):
                _screenshot(page, "failure", shots)
                server_log = Path(log).read_text(errors="replace")[-3000:]
                print(f"JupyterLab log:\n{server_log}\npage errors: {page_errors}")
                raise
        finally:
            context.close()
    assert all(path.stat().st_size > 10_000 for path in shots), "screenshots should not be blank"


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=menu).first.click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _drive(page, base: str, token: str, shots: list[Path]) -> None:
    page.goto(f"{base}/lab/tree/{LESSON}?token={token}", wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=180_000, polling=500)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="attached")

    # Through the menu bar, as a learner would. The stored outputs go first, so that the
    # prompts' numbers ("[12]:") can only come from this run.
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(NOTHING_RUN_JS, timeout=30_000, polling=250)
    _menu(page, "Run", "Run All Cells")
    try:
        page.wait_for_function(ALL_RUN_JS, timeout=RUN_ALL_S * 1000, polling=1000)
    except Exception:
        print("prompts:", page.evaluate(PROMPTS_JS))
        raise

    problems = page.evaluate(PROBLEMS_JS)
    assert problems == [], "cells show errors or stderr:\n" + "\n".join(problems)
    shown_errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert shown_errors.count() == 0, f"error outputs on the page: {shown_errors.all_inner_texts()}"

    # The explorer's cell: rendered as a widget, not as its fallback or a placeholder.
    cell = page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="NeighbourExplorer(")).first
    cell.scroll_into_view_if_needed()
    outputs = cell.locator(".jp-Cell-outputArea").first
    slider = outputs.locator(".widget-slider, .widget-hslider").first
    slider.wait_for(state="visible", timeout=WIDGET_S * 1000)
    explorer_output = outputs.locator(".widget-output").first
    explorer_output.locator("img").first.wait_for(state="visible", timeout=WIDGET_S * 1000)
    text = outputs.inner_text()
    assert "Loading widget" not in text and "Error displaying widget" not in text, text
    assert outputs.locator(".course-widget-fallback").count() == 0, "the text fallback shows instead of the widget"
    assert outputs.locator(".widget-toggle-buttons button").count() == 3, "metric buttons: cosine, dot, euclidean"
    before = explorer_output.inner_text()
    assert "5 nearest neighbours of digit 33" in before, before
    _screenshot(page, "after_run_all", shots)
    _screenshot(cell, "explorer_before", shots)

    # Move the digit slider one step with the keyboard, as a learner can.
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    readout = slider.locator(".widget-readout").first
    page.wait_for_function(
        "([el, old]) => el.innerText !== old && el.innerText.includes('digit 34')",
        arg=[explorer_output.element_handle(), before], timeout=WIDGET_S * 1000, polling=250,
    )
    after = explorer_output.inner_text()
    assert readout.inner_text().strip() == "34"
    assert "5 nearest neighbours of digit 34" in after and after != before
    # The metric buttons change the table too (dot -> euclidean).
    outputs.locator(".widget-toggle-buttons button", has_text="euclidean").click()
    page.wait_for_function("el => el.innerText.includes('Euclidean distance')",
                           arg=explorer_output.element_handle(), timeout=WIDGET_S * 1000, polling=250)
    cell.scroll_into_view_if_needed()
    _screenshot(cell, "explorer_after_slider_and_metric", shots)
