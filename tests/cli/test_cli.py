"""The `edgepos` console script, run as a real subprocess the way a technician runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

try:
    from tests.support.cli import edgepos_command
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.cli import edgepos_command  # type: ignore[no-redef, import-not-found, unused-ignore]

DESIGN_COMMANDS = ["kiosk", "demo", "sim", "cloud", "doctor", "emv", "paycode", "face", "members", "sync", "bench"]


def edgepos(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script (or the module when not installed) and capture its output."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(edgepos_command(*args), cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_help_lists_every_subcommand_of_the_design(tmp_path: Path) -> None:
    result = edgepos("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in DESIGN_COMMANDS:
        assert f"    {command}" in result.stdout, command
    assert "--data-dir" in result.stdout


def test_demo_prints_json_last_and_the_receipt_exists(tmp_path: Path) -> None:
    result = edgepos("--data-dir", str(tmp_path / "var"), "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"sale_id", "total", "currency", "receipt"} <= summary.keys()
    receipt = Path(summary["receipt"])                  # the virtual printer's rendering of what it received
    assert receipt.suffix == ".png" and receipt.is_file()
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode
    qr = decode(Image.open(receipt).convert("L"), symbols=[ZBarSymbol.QRCODE])
    assert [code.data.decode() for code in qr] == [summary["receipt_url"]]
    text = receipt.with_suffix(".txt").read_text(encoding="utf-8")   # its transcript
    assert f"CNY {summary['total']}" in text and summary["sale_id"][:12].upper() in text
    assert "珍珠奶茶" in text and "Cà phê sữa đá" in text and "[cut]" in text
    assert summary["currency"] == "CNY"
    assert (tmp_path / "var" / "terminal.db").is_file()
    assert (tmp_path / "var" / "logs" / "edgepos.log").is_file()


def test_demo_twice_reuses_the_open_shift_and_makes_two_sales(tmp_path: Path) -> None:
    first = json.loads(edgepos("--data-dir", "var", "demo", cwd=tmp_path).stdout.splitlines()[-1])
    second = json.loads(edgepos("--data-dir", "var", "demo", cwd=tmp_path).stdout.splitlines()[-1])
    assert first["shift_id"] == second["shift_id"]
    assert first["sale_id"] != second["sale_id"]
    assert second["outbox_pending"] == first["outbox_pending"] + 1


def test_corrupt_config_is_one_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[terminal]\nid = 'T-1'\ncurrency = \n", encoding="utf-8")
    result = edgepos("--data-dir", str(tmp_path / "var"), "--config", str(config), "demo", cwd=tmp_path)
    assert result.returncode == 1
    assert str(config) in result.stderr and "not valid TOML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "var").exists()


def test_missing_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    from terminal.config.settings import default_config_text
    config = tmp_path / "edgepos.toml"
    config.write_text(default_config_text().replace('name = "Hoa Sen', 'title = "Hoa Sen'), encoding="utf-8")
    result = edgepos("--data-dir", str(tmp_path / "var"), "--config", str(config), "demo", cwd=tmp_path)
    assert result.returncode == 1
    assert "[shop] name: missing" in result.stderr and str(config) in result.stderr
    assert not (tmp_path / "var").exists()


def test_explicit_config_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    result = edgepos("--config", str(tmp_path / "nope.toml"), "demo", cwd=tmp_path)
    assert result.returncode == 1
    assert "config file not found" in result.stderr


def test_bench_checkout_prints_percentiles_as_json_last(tmp_path: Path) -> None:
    result = edgepos("--data-dir", str(tmp_path / "var"), "bench", "checkout", "--iterations", "30", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "checkout" and figures["iterations"] == 30
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert figures["outbox_rows"] == 30 + 20 + 1  # every measured and warm-up sale, plus the shift opening


def test_sync_status_agrees_with_the_db(tmp_path: Path) -> None:
    missing = edgepos("--data-dir", "var", "sync", "status", cwd=tmp_path)
    assert missing.returncode == 1 and "no terminal database" in missing.stderr
    edgepos("--data-dir", "var", "demo", cwd=tmp_path)
    status = json.loads(edgepos("--data-dir", "var", "sync", "status", "--json", cwd=tmp_path).stdout)
    import sqlite3
    with sqlite3.connect(tmp_path / "var" / "terminal.db") as conn:
        pending, oldest = conn.execute("SELECT COUNT(*), MIN(created_at) FROM outbox").fetchone()
    assert status["pending"] == pending == 2 and status["oldest_pending_at"] == oldest
    assert status["link"] == "never started" and status["last_ack_at"] is None
    text = edgepos("--data-dir", "var", "sync", "status", cwd=tmp_path).stdout
    assert "pending" in text and "never started" in text


def test_cloud_without_a_deployment_says_how_to_make_one(tmp_path: Path) -> None:
    result = edgepos("--data-dir", "cloud", "cloud", "stats", cwd=tmp_path)
    assert result.returncode == 1 and "deployment" in result.stderr.lower()


def test_demo_prints_on_the_configured_serial_printer_and_its_summary_adds_up(tmp_path: Path) -> None:
    from decimal import Decimal
    paper = tmp_path / "paper"          # a printer of the shop's own (here the virtual one, on its own pty)
    printer = subprocess.Popen([sys.executable, "-m", "simulators.printer", "--out", str(paper)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert printer.stdout is not None
        port = printer.stdout.readline().removeprefix("pty: ").strip()
        assert edgepos("--data-dir", "var", "members", "list", cwd=tmp_path).returncode == 0   # writes the config
        config = tmp_path / "var" / "edgepos.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('printer = "sim"', 'printer = "serial"')
                          .replace('printer_port = ""', f'printer_port = "{port}"'), encoding="utf-8")
        result = edgepos("--data-dir", "var", "demo", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        assert summary["receipt"] == port                               # printed where the config says
        rendered = json.loads(printer.stdout.readline())
        assert Path(rendered["receipt"]).parent == paper
        assert not list((tmp_path / "var").glob("receipts/*.png"))     # not on a virtual printer of its own
    finally:
        printer.terminate()
        printer.wait(5)
    subtotal, discount, total = (Decimal(summary[k]) for k in ("subtotal", "discount", "total"))
    assert discount > 0 and subtotal - discount + Decimal(summary["tax_added"]) == total
    said = "\n".join(result.stdout.strip().splitlines()[:-1])
    assert f"discount -{summary['currency']} {summary['discount']}" in said \
        and f"subtotal {summary['currency']}" in said
