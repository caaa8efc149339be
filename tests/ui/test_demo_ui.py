"""`edgepos demo --ui --out DIR` in its own process, with no display: a cash sale through the real kiosk,
one screenshot per step, the JSON summary last; a second run finds the shift open and sells again."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

EDGEPOS = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "edgepos"
STEPS = ["01-shift", "02-cart", "03-cash", "04-paid", "05-sale"]


def demo(data_dir: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run the UI demo without a display (it starts its own Xvfb)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "KIVY_HOME")}
    return subprocess.run([str(EDGEPOS), "--data-dir", str(data_dir), "demo", "--ui", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=240)


def test_ui_demo_sells_through_the_kiosk_and_saves_a_screenshot_per_step(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    done = demo(data_dir, tmp_path / "shots")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "opened the shift for cashier 'demo'" in done.stdout
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["screens"] == [str(tmp_path / "shots" / f"{step}.png") for step in STEPS]
    for shot in summary["screens"]:
        assert Path(shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and Path(shot).stat().st_size > 5000
    assert summary["currency"] == "CNY" and summary["total"] == "86.00"          # two items, scanned
    assert summary["tendered"] == "90.00" and summary["change"] == "4.00"       # the next banknote amount
    assert summary["outbox_pending"] == 2 and f"/r/{summary['sale_id']}?k=" in summary["receipt_url"]
    again = demo(data_dir, tmp_path / "shots2")
    assert again.returncode == 0, again.stderr[-3000:]
    second = json.loads(again.stdout.strip().splitlines()[-1])
    assert second["shift_id"] == summary["shift_id"] and second["sale_id"] != summary["sale_id"]
    assert second["outbox_pending"] == 3 and len(second["screens"]) == 5


def test_out_without_ui_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([str(EDGEPOS), "--data-dir", str(tmp_path), "demo", "--out", str(tmp_path / "x")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--out is for the screenshots of --ui" in done.stderr
