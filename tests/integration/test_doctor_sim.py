"""`edgepos doctor` against the simulators a technician runs: all green, then red with a fix once the printer goes."""
from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.broker_process import MosquittoBroker
from sync.provision import Deployment
from sync_helpers import CLI, stop, terminal_dir

pytestmark = pytest.mark.integration


def start_sim(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `edgepos sim ...` and return it with the pty it announces on its first line."""
    proc = subprocess.Popen([*CLI, "sim", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("pty: "), f"{args[0]} simulator said {first!r}: {proc.stderr.read() if proc.stderr else ''}"
    return proc, first[5:].strip()


@pytest.fixture
def simulators(tmp_path: Path) -> Iterator[dict[str, object]]:
    printer, printer_pty = start_sim("printer", "--out", str(tmp_path / "paper"))
    scanner, scanner_pty = start_sim("scanner", "--hold", "-")
    camera = subprocess.run([*CLI, "sim", "camera", "--out", str(tmp_path / "frames"), "--code", "28" + "1" * 16],
                            capture_output=True, text=True, timeout=60)
    assert camera.returncode == 0, camera.stderr
    try:
        yield {"printer": printer, "printer_pty": printer_pty, "scanner_pty": scanner_pty,
               "camera_source": json.loads(camera.stdout)["source"]}
    finally:
        stop(printer)
        stop(scanner)


def on_simulators(data_dir: Path, sims: dict[str, object]) -> None:
    """Point the terminal's [devices] at the simulators, as a technician would: only the device paths differ."""
    config = data_dir / "edgepos.toml"
    devices = (f'[devices]\nprinter = "serial"\nprinter_port = "{sims["printer_pty"]}"\nprinter_baud = 19200\n'
               f'scanner = "serial"\nscanner_port = "{sims["scanner_pty"]}"\nscanner_baud = 9600\n'
               f'camera = "sim"\ncamera_source = "{sims["camera_source"]}"\n')
    text = re.sub(r"\[devices\]\n(?:[^\[]*\n)", devices + "\n", config.read_text(encoding="utf-8"), count=1)
    config.write_text(text, encoding="utf-8")


def doctor(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--data-dir", str(data_dir), "doctor"], capture_output=True, text=True,
                          timeout=120)


def test_doctor_on_simulated_devices(deployment: Deployment, broker: MosquittoBroker, tmp_path: Path,
                                     simulators: dict[str, object]) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    on_simulators(data_dir, simulators)
    green = doctor(data_dir)
    assert green.returncode == 0, green.stdout + green.stderr
    lines = green.stdout.splitlines()
    for name in ("clock", "disk", "database", "outbox", "printer", "scanner", "camera", "broker"):
        assert any(re.match(rf"OK\s+{name}\s", line) for line in lines), f"no green {name} line:\n{green.stdout}"
    assert not any(line.startswith("FAIL") for line in lines)

    stop(simulators["printer"])                                   # type: ignore[arg-type]
    red = doctor(data_dir)
    assert red.returncode == 1, red.stdout + red.stderr
    lines = red.stdout.splitlines()
    failed = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    assert len(failed) == 1 and re.match(r"FAIL\s+printer\s", lines[failed[0]]), red.stdout
    assert "fix:" in lines[failed[0] + 1] and "edgepos sim printer" in lines[failed[0] + 1]


def test_doctor_with_a_wrong_broker_password(deployment: Deployment, broker: MosquittoBroker, tmp_path: Path,
                                             simulators: dict[str, object]) -> None:
    data_dir = terminal_dir(deployment, tmp_path)
    on_simulators(data_dir, simulators)
    config = data_dir / "edgepos.toml"
    config.write_text(re.sub(r'password = "[^"]*"', 'password = "wrong"', config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    red = doctor(data_dir)
    assert red.returncode == 1
    assert re.search(r"FAIL\s+broker\s", red.stdout) and "username/password" in red.stdout, red.stdout
