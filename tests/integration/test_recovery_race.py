"""Two processes recovering the same database at once never both act on one attempt, nor on a live one's."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from simulators.file_printer import FilePrinter
from terminal.app.bootstrap import build_terminal
from terminal.config.settings import ensure_config, load_config
from terminal.link.events import rfc3339
from terminal.payments.ownership import process_owner
from terminal.ports import SystemClock
from terminal.sales.money import Money
from terminal.sales.tender_snapshot import tender_record
from terminal.store.attempts import AttemptStore

pytestmark = pytest.mark.integration
HELPER = Path(__file__).with_name("recovery_race.py")
DEAD = 12
REPEAT = int(os.environ.get("EDGEPOS_SOAK_REPEAT", "1"))


@pytest.mark.parametrize("round_no", range(REPEAT))
def test_two_recovering_processes_never_act_on_the_same_attempt(tmp_path: Path, round_no: int) -> None:
    data_dir = tmp_path / "data"
    ensure_config(data_dir / "edgepos.toml")
    term = build_terminal(load_config(data_dir / "edgepos.toml"), data_dir, printer=FilePrinter(tmp_path / "r"))
    term.shifts.open("race", Money(0, term.config.currency))
    dead, live = AttemptStore(term.db, "p1-gone"), AttemptStore(term.db, process_owner(data_dir).token)
    otns = []
    for n in range(DEAD + 1):   # the last one belongs to this (live) process: nobody may take it
        term.till.add_item("TEA-001")
        sale = term.till.start_tender()
        otn = f"T-0001-race{n:04d}"
        (live if n == DEAD else dead).begin(otn, sale.id, "wechat", "1345****6789", sale.due,
                                            rfc3339(SystemClock().now()), tender_record(sale))
        otns.append(otn)
        term.till.sale = None
    log, start = tmp_path / "calls.log", tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(HELPER), str(data_dir), str(log), str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr
    start.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and out.strip() == "done", err
    actors: dict[str, set[str]] = defaultdict(set)
    for line in log.read_text().splitlines():
        pid, _method, otn = line.split()
        actors[otn].add(pid)
    assert set(actors) == set(otns[:DEAD]), "a live process's attempt was taken, or a dead one's left"
    assert all(len(pids) == 1 for pids in actors.values()), dict(actors)
    assert len({pid for pids in actors.values() for pid in pids}) == 2, "one process did all the work: no race"
    paid = term.db.query("SELECT COUNT(*) FROM sales WHERE state = 'paid'")[0][0]
    assert paid == DEAD
    assert live.get(otns[-1]).status == "sent"   # type: ignore[union-attr]
    term.close()
