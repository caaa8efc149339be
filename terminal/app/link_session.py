"""Wallet payments for one CLI command: a sync link started for it, and the authorizer over that link."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from terminal.app.bootstrap import Terminal
    from terminal.payments.code_payment import CodeAuthorizer


def open_payments(terminal: Terminal) -> tuple[Callable[[], None], CodeAuthorizer]:
    """Start a link, wait at most the request timeout for it to connect; returns (stop, authorizer)."""
    from terminal.app.bootstrap import build_payments, build_sync_link
    link = build_sync_link(terminal)
    thread = link.start_thread()
    deadline = time.monotonic() + terminal.config.payments.request_timeout_s
    while not link.rpc.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    authorizer, _qr = build_payments(terminal, link)

    def stop() -> None:
        link.stop()
        thread.join(timeout=3)
    return stop, authorizer
