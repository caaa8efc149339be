"""Helper for test_recovery_race: one real process running recovery sweeps on a shared terminal database.

Usage: python recovery_race.py DATA_DIR CALLS_LOG START_FILE
Waits for START_FILE (so both processes start together), sweeps twice, prints `done`. Every acquirer request
it makes is appended to CALLS_LOG as `<pid> <method> <out_trade_no>`; queries answer success, so each claimed
attempt completes its sale from the stored tender.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators.file_printer import FilePrinter
from support.fakes import FakeAcquirer
from terminal.app.bootstrap import build_terminal
from terminal.config.settings import load_config
from terminal.payments.acquirer import AcquirerReply
from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
from terminal.payments.ownership import process_owner
from terminal.payments.recovery import Recovery
from terminal.ports import SystemClock
from terminal.store.attempts import AttemptStore


class LoggedAcquirer(FakeAcquirer):
    """Answers success to queries and logs every request with this process's pid (O_APPEND: whole lines)."""

    def __init__(self, log: Path) -> None:
        super().__init__(default=AcquirerReply("success", trade_no="SIM-RACE"))
        self.log = log

    def reply(self, method: str, body: dict[str, Any]) -> AcquirerReply | None:
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{os.getpid()} {method} {body['out_trade_no']}\n".encode())
        finally:
            os.close(fd)
        time.sleep(0.02)   # a slow wallet: the other process has time to try the same attempt
        return super().reply(method, body)


def main() -> None:
    data_dir, log, start = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    term = build_terminal(load_config(data_dir / "edgepos.toml"), data_dir, printer=FilePrinter(data_dir / "receipts"))
    owner = process_owner(data_dir)
    authorizer = CodeAuthorizer(LoggedAcquirer(log), AttemptStore(term.db, owner.token), SystemClock(),
                                term.config.terminal_id, PaymentTimings(1.0, 0.2, 2.0))
    recovery = Recovery(authorizer, term.till, term.db, owner)
    print("ready", flush=True)
    while not start.exists():
        time.sleep(0.005)
    recovery.pass_once()
    recovery.pass_once()
    print("done", flush=True)


if __name__ == "__main__":
    main()
