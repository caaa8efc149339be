"""Shared fixtures for unit and integration tests: fakes of our own ports only, real SQLite files.

No Kivy here: tests/ui has its own fixtures.
"""
from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from terminal.app.bootstrap import Terminal, build_terminal
from terminal.config.settings import ensure_config, load_config
from terminal.sales.money import Money

try:
    from tests.support.fakes import FakePrinter, FixedClock
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.fakes import FakePrinter, FixedClock  # type: ignore[no-redef, import-not-found, unused-ignore]


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _set_timezone(config_path: Path, timezone: str | None) -> None:
    """Write [shop] timezone into the test config: replaces the key's line, or adds it when asked explicitly."""
    text = config_path.read_text(encoding="utf-8")
    line = f'timezone = "{timezone or "UTC"}"'
    if re.search(r"^timezone = ", text, flags=re.M):
        text = re.sub(r"^timezone = .*$", line, text, count=1, flags=re.M)
    elif timezone is not None:
        text = text.replace("[shop]\n", f"[shop]\n{line}\n", 1)
    config_path.write_text(text, encoding="utf-8")


@pytest.fixture
def make_terminal(tmp_path: Path, data_dir: Path, printer: FakePrinter,
                  clock: FixedClock) -> Iterator[Callable[..., Terminal]]:
    """Build terminals the way the app does: default config file, load_config, build_terminal."""
    built: list[Terminal] = []

    def make(timezone: str | None = None, **overrides: object) -> Terminal:
        """timezone: the config's [shop] timezone; "UTC" unless given, so that printed times never depend on
        the machine's zone (the shipped default, "", means the system's zone)."""
        config_path = tmp_path / "edgepos.toml"
        ensure_config(config_path)
        _set_timezone(config_path, timezone)
        kwargs: dict[str, object] = {"printer": printer, "clock": clock}
        kwargs.update(overrides)
        term = build_terminal(load_config(config_path), data_dir, **kwargs)  # type: ignore[arg-type]
        built.append(term)
        return term

    yield make
    for term in built:
        try:
            term.close()
        except Exception:  # noqa: BLE001 - a terminal the test already broke must not hide the test's own failure
            pass


@pytest.fixture
def term(make_terminal: Callable[..., Terminal]) -> Terminal:
    """A terminal on a fresh data dir."""
    return make_terminal()


@pytest.fixture
def open_term(term: Terminal) -> Terminal:
    """A terminal with a shift open and a CNY 100.00 float."""
    term.shifts.open("Lan", Money(10000, "CNY"))
    return term


def count_rows(db_path: Path) -> dict[str, int]:
    """Row counts of every data table, through a separate connection."""
    conn = sqlite3.connect(str(db_path))
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("sales", "sale_lines", "payments", "refunds", "outbox", "shifts", "cash_moves")}
    finally:
        conn.close()


@pytest.fixture
def rows() -> Callable[[Path], dict[str, int]]:
    return count_rows


SERVICE_SKIP_WORDS = ("mosquitto", "postgresql", "chromium", "not installed", "not reachable")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI=true a test skipped for a missing service (Mosquitto, PostgreSQL, Chromium) fails instead."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI", "").lower() != "true" or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if any(word in reason.lower() for word in SERVICE_SKIP_WORDS):
        report.outcome = "failed"
        report.longrepr = f"CI=true: a required service is missing, so this fails instead of skipping: {reason}"
