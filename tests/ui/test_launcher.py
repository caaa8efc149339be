"""`run_kiosk` in its own process: it saves the screenshot and exits after exit_after seconds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

SCRIPT = """
import sys
from pathlib import Path
from terminal.app.bootstrap import build_terminal
from terminal.config.settings import ensure_config, load_config
from ui.launcher import run_kiosk

base = Path(sys.argv[1])
ensure_config(base / "edgepos.toml")
term = build_terminal(load_config(base / "edgepos.toml"), base / "data")
term.shifts.open("Lan", term.till.money("100"))
shot = Path(sys.argv[2]) if sys.argv[2] != "-" else None
sys.exit(run_kiosk(term, size=(800, 480), screenshot=shot, exit_after=4.0))
"""


def run(tmp_path: Path, screenshot: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the launcher script in a fresh interpreter."""
    env = {**env, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(tmp_path / "kivy-home")}
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), screenshot], env=env,
                          capture_output=True, text=True, timeout=120)


def test_run_kiosk_on_the_fixture_display_writes_the_screenshot(display: str, tmp_path: Path) -> None:
    shot = tmp_path / "shots" / "kiosk.png"
    done = run(tmp_path, str(shot), {**os.environ, "DISPLAY": display})
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 5000
    assert f"screenshot saved to {shot}" in done.stdout


def test_run_kiosk_without_a_display_starts_xvfb_and_saves_the_default_screenshot(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = run(tmp_path, "-", env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "running on virtual display :" in done.stdout
    shots = list((tmp_path / "data" / "screenshots").glob("kiosk-*.png"))
    assert len(shots) == 1 and str(shots[0]) in done.stdout


def test_run_kiosk_without_display_or_xvfb_says_how_to_install_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PATH"] = str(Path(sys.executable).parent)  # python only: no Xvfb on this PATH
    done = run(tmp_path, "-", env)
    assert done.returncode == 2
    assert "apt-get install xvfb" in done.stderr
