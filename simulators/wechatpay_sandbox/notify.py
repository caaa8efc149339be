"""支付结果通知: POST the signed XML to a NATIVE order's notify_url, again with backoff until answered SUCCESS.

WeChat retries over about a day (15s, 15s, 30s, 3m, 10m, ...); the sandbox starts at --notify-backoff seconds
and doubles up to a minute, 15 attempts, so that tests see a retry in well under a second.
"""
from __future__ import annotations

import heapq
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from simulators.wechatpay_sandbox.api import _err, _ok, trade_fields
from simulators.wechatpay_sandbox.book import Book, Trade
from simulators.wechatpay_sandbox.credentials import Merchant
from simulators.wechatpay_sandbox.wire import Code, SignType, TradeState, parse_xml, signed, to_xml

ATTEMPTS = 15
MAX_DELAY = 60.0
POST_TIMEOUT = 5.0


def notification(m: Merchant, trade: Trade) -> bytes:
    """The signed notification body for a paid (or failed) NATIVE order."""
    if trade.state == TradeState.PAYERROR:
        fields = _err(m, trade.err_code or "NOTENOUGH", out_trade_no=trade.out_trade_no,
                      total_fee=str(trade.total_fee), trade_type=trade.trade_type)
    else:
        fields = _ok(m, **trade_fields(trade))
    fields.pop("return_msg", None)
    if trade.sign_type == SignType.HMAC_SHA256:
        fields["sign_type"] = SignType.HMAC_SHA256    # so that the merchant knows which way to check it
    return to_xml(signed(fields, m.api_key, trade.sign_type))


def answered_success(body: bytes) -> bool:
    """Whether the merchant's answer is <xml><return_code>SUCCESS</return_code>...</xml>."""
    try:
        return parse_xml(body).get("return_code") == Code.SUCCESS
    except ValueError:
        return False


class Notifier:
    """A thread that applies the scripts' timed transitions and delivers notifications with retries."""

    def __init__(self, book: Book, merchant: Merchant, backoff: float, log: Callable[[dict[str, Any]], None],
                 changed: Callable[[], None]) -> None:
        self.book, self.merchant, self.backoff, self.log, self.changed = book, merchant, backoff, log, changed
        self._queue: list[tuple[float, int, str]] = []    # (when, attempt, out_trade_no)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wechat-notify", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop retrying (undelivered notifications are dropped)."""
        self._stop.set()
        self._thread.join(timeout=POST_TIMEOUT + 1)

    def enqueue(self, trade: Trade) -> None:
        """Notify for this trade now (a NATIVE order that was paid or failed)."""
        if trade.notify_url:
            with self._lock:
                heapq.heappush(self._queue, (time.monotonic(), 0, trade.out_trade_no))

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            moved = self.book.advance()
            for trade in moved:
                if trade.trade_type == "NATIVE":
                    self.enqueue(trade)
            if moved:
                self.changed()
            now, due = time.monotonic(), []
            with self._lock:
                while self._queue and self._queue[0][0] <= now:
                    due.append(heapq.heappop(self._queue))
            for _when, attempt, otn in due:
                self._deliver(attempt, otn)

    def _deliver(self, attempt: int, otn: str) -> None:
        with self.book.lock:
            trade = self.book.trades[otn]
            body, url = notification(self.merchant, trade), trade.notify_url
        request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/xml"})
        try:
            with urllib.request.urlopen(request, timeout=POST_TIMEOUT) as response:
                ok = response.status == 200 and answered_success(response.read())
                status = str(response.status)
        except urllib.error.HTTPError as err:
            ok, status = False, str(err.code)
        except (urllib.error.URLError, OSError) as err:
            ok, status = False, type(err).__name__
        self.log({"method": "notify", "out_trade_no": otn, "attempt": attempt + 1, "http": status,
                  "answer": Code.SUCCESS if ok else Code.FAIL})
        if not ok and attempt + 1 < ATTEMPTS:
            delay = min(self.backoff * (2 ** attempt), MAX_DELAY)
            with self._lock:
                heapq.heappush(self._queue, (time.monotonic() + delay, attempt + 1, otn))
