"""The providers' asynchronous notifications: POST /notify/alipay and /notify/wechat (Starlette on uvicorn).

Starlette + uvicorn: a small ASGI app needs no framework beyond routing, uvicorn serves it from a thread of the
gateway's process (the notifications and the MQTT side share the store and the broker connection).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sync.gateway.provider import BadNotification, Notification, NotificationKind, Provider, ProviderName
from sync.gateway.store import GatewayStore, Trade
from terminal.errors import ConfigError
from terminal.payments.acquirer import AcquirerStatus

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
Tell = Callable[[Trade, AcquirerStatus, str, str], None]   # (trade, status, trade_no, reason) -> its terminal


class Notifications:
    """Applies verified notifications to the store and tells the trade's terminal; anything else changes nothing."""

    def __init__(self, providers: dict[ProviderName, Provider], store: GatewayStore, tell: Tell) -> None:
        self.providers, self.store, self.tell = providers, store, tell

    def receive(self, name: str, body: bytes, content_type: str) -> tuple[int, bytes, str]:
        """The HTTP status, body and content type to answer one notification with."""
        provider = next((p for n, p in self.providers.items() if n == name), None)
        if provider is None:
            return 404, b"no such provider", "text/plain"
        try:
            note = provider.parse_notify(body, content_type)
        except BadNotification as err:
            log.warning("%s notification refused: %s", name, err)
            answer, kind = provider.notify_answer(False)
            return 400, answer, kind
        ok = self._apply(provider, note)
        answer, kind = provider.notify_answer(ok)
        return (200 if ok else 400), answer, kind

    def _apply(self, provider: Provider, note: Notification) -> bool:
        if note.kind == NotificationKind.AGREEMENT:
            if not note.external_id:
                return False
            if note.status == AcquirerStatus.SUCCESS and note.agreement_no:
                self.store.set_agreement(note.external_id, provider.name, note.agreement_no)
                log.info("%s agreement signed for member %s", provider.name, note.external_id[:8])
            else:
                self.store.end_agreement(note.external_id)
                log.info("%s agreement ended for member %s", provider.name, note.external_id[:8])
            return True
        trade = self.store.trade(note.out_trade_no)
        if trade is None or trade.provider != provider.name:
            log.warning("%s notification for unknown trade %s: ignored", provider.name, note.out_trade_no[:64])
            return True                     # answered, so the provider stops repeating it; nothing changes
        if note.amount and not _same_amount(note.amount, trade.amount):
            log.error("%s notification for %s says %s, the trade is %s: not applied", provider.name,
                      trade.out_trade_no, note.amount[:20], trade.amount)
            return False
        if note.status == AcquirerStatus.SUCCESS:
            before = self.store.mark_paid(trade.out_trade_no, note.trade_no)
            if before is not None:
                late = before.status in (AcquirerStatus.REVERSED, AcquirerStatus.CLOSED)
                self.tell(before, AcquirerStatus.SUCCESS, note.trade_no,
                          "the customer's payment arrived after the cancellation" if late else "")
        elif note.status in (AcquirerStatus.DECLINED, AcquirerStatus.CLOSED) and trade.status not in (
                note.status, AcquirerStatus.SUCCESS):   # a paid trade refunded in full is closed: still paid here
            self.store.update_trade(trade.out_trade_no, note.status, "closed by the provider")
            self.tell(trade, note.status, note.trade_no, "closed by the provider")
        return True


def _same_amount(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


def make_app(notifications: Notifications) -> Starlette:
    """The ASGI app: one POST route per provider."""
    async def notify(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(b"too large", 413, media_type="text/plain")
        status, answer, kind = await run_in_threadpool(   # the store and provider checks block
            notifications.receive, request.path_params["provider"], body, request.headers.get("content-type", ""))
        return Response(answer, status, media_type=kind)

    return Starlette(routes=[Route("/notify/{provider}", notify, methods=["POST"])])


class NotifyServer:
    """uvicorn serving the app on a thread of this process."""

    def __init__(self, notifications: Notifications, host: str, port: int) -> None:
        config = uvicorn.Config(make_app(notifications), host=host, port=port, log_level="warning",
                                access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="gateway-notify", daemon=True)
        self.where = f"{host}:{port}"

    def start(self, wait_s: float = 10.0) -> None:
        """Listen; ConfigError when the port cannot be had."""
        self.thread.start()
        deadline = time.monotonic() + wait_s
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            raise ConfigError(f"the notification endpoint cannot listen on {self.where} (in use, or not an "
                              "address of this machine): change notify_host / notify_port in gateway.toml")

    def stop(self) -> None:
        """Stop listening."""
        self.server.should_exit = True
        self.thread.join(5)
