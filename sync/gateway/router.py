"""One request in, one reply out: which provider answers a terminal's (or the forwarder's) wallet request."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sync.gateway.config import GatewayConfig
from sync.gateway.provider import Provider, ProviderAnswer, ProviderName
from sync.gateway.store import GatewayStore, Trade, TradeKind
from terminal.errors import EdgeposError
from terminal.payments.acquirer import AcquirerMethod, AcquirerStatus

log = logging.getLogger(__name__)
CURRENCY = "CNY"            # the only currency Alipay's and WeChat Pay's domestic APIs take
NO_AGREEMENT = "no_agreement"
FINAL = frozenset({AcquirerStatus.SUCCESS, AcquirerStatus.DECLINED, AcquirerStatus.CLOSED})
Reply = dict[str, str]


class Refused(Exception):
    """A request the gateway answers itself without asking a provider (status and reason)."""

    def __init__(self, status: AcquirerStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class Timer:
    """The seconds one request spent inside provider calls (the gateway's own time is the rest)."""

    def __init__(self) -> None:
        self.provider_s = 0.0

    def call(self, provider: Provider, method: str, *args: str) -> ProviderAnswer:
        """Call a provider method, timed; an exception becomes `unknown` with its reason."""
        start = time.perf_counter()
        try:
            answer: ProviderAnswer = getattr(provider, method)(*args)
            return answer
        except EdgeposError as err:
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{provider.name}: {err}")
        except Exception as err:   # an adapter bug must still get the terminal an answer
            log.exception("%s.%s failed", provider.name, method)
            return ProviderAnswer(AcquirerStatus.UNKNOWN, f"{provider.name}: {type(err).__name__}")
        finally:
            self.provider_s += time.perf_counter() - start


class Router:
    """Routes pay / query / reverse / refund / precreate / agreement_sign to the configured providers."""

    def __init__(self, providers: dict[ProviderName, Provider], store: GatewayStore, config: GatewayConfig,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.providers, self.store, self.config, self.sleep = providers, store, config, sleep

    def handle(self, terminal: str | None, method: str, req: dict[str, Any], timer: Timer) -> Reply:
        """The reply to one request; `terminal` None for the backend's own (CLOUD_RPC) requests."""
        otn = str(req.get("out_trade_no", ""))
        try:
            if method != AcquirerMethod.AGREEMENT_SIGN and (not otn or len(otn) > 64 or (
                    terminal is not None and not otn.startswith(f"{terminal}-"))):
                raise Refused(AcquirerStatus.DECLINED, f"out_trade_no {otn[:70]!r} is not one of this terminal's")
            handler = {AcquirerMethod.PAY: self._pay, AcquirerMethod.QUERY: self._query,
                       AcquirerMethod.REVERSE: self._reverse, AcquirerMethod.REFUND: self._refund,
                       AcquirerMethod.PRECREATE: self._precreate,
                       AcquirerMethod.AGREEMENT_SIGN: self._agreement_sign}.get(method)  # type: ignore[call-overload]
            if handler is None:
                raise Refused(AcquirerStatus.FAILED, f"unknown method {method[:40]!r}")
            answer: ProviderAnswer = handler(terminal or "", otn, req, timer)
        except Refused as refused:
            answer = ProviderAnswer(refused.status, refused.reason)
        return {"out_trade_no": otn, "status": str(answer.status), "reason": answer.reason,
                "trade_no": answer.trade_no, "payload": answer.payload}

    def provider(self, name: str) -> Provider:
        """The configured provider of that name, or Refused (declined) naming what is missing."""
        try:
            return self.providers[ProviderName(name)]
        except (ValueError, KeyError):
            raise Refused(AcquirerStatus.DECLINED, f"no {name or 'wallet'} provider is configured at this shop's "
                                                   "gateway") from None

    def _amount(self, req: dict[str, Any]) -> str:
        if str(req.get("currency", "")) != CURRENCY:
            raise Refused(AcquirerStatus.DECLINED, f"currency {str(req.get('currency'))[:8]!r}: the wallets take "
                                                   f"{CURRENCY} only")
        try:
            amount = Decimal(str(req.get("amount", "")))
        except InvalidOperation:
            amount = Decimal(0)
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise Refused(AcquirerStatus.DECLINED, f"amount {str(req.get('amount'))[:20]!r} is not a positive "
                                                   "amount in yuan with at most 2 decimals")
        return f"{amount:.2f}"

    def _subject(self, req: dict[str, Any]) -> str:
        return f"{self.config.subject} {str(req.get('sale_id', ''))[:12]}".strip()

    def _start(self, trade: Trade) -> Trade | None:
        """Record the trade before calling the provider; a known one is returned (answered from its row)."""
        known = self.store.begin_trade(trade)
        if known is not None and (known.provider != trade.provider or known.amount != trade.amount):
            raise Refused(AcquirerStatus.DECLINED, "out_trade_no already used for another payment")
        return known

    def _pay(self, terminal: str, otn: str, req: dict[str, Any], timer: Timer) -> ProviderAnswer:
        amount, scheme = self._amount(req), str(req.get("scheme", ""))
        if scheme == "face":
            # The forwarder's stored face payments carry no funding (payment/1's forward has none): only
            # agreement-funded face-pay can reach a wallet (balance-funded face-pay never leaves the terminal).
            if req.get("funding", "agreement" if not terminal else "") != "agreement":
                raise Refused(AcquirerStatus.DECLINED, "face-pay needs a funding source the wallet accepts "
                                                       "(funding = agreement)")
            agreement_no = self.store.agreement(str(req.get("member_id", "")))
            if agreement_no is None:
                raise Refused(AcquirerStatus.DECLINED, NO_AGREEMENT)
            provider, kind, payer = self.provider(ProviderName.ALIPAY), TradeKind.AGREEMENT, agreement_no
        else:
            provider, kind, payer = self.provider(scheme), TradeKind.CODE, str(req.get("auth_code", ""))
        known = self._start(Trade(otn, terminal, provider.name, kind, amount, AcquirerStatus.PENDING))
        if known is not None and known.status in (*FINAL, AcquirerStatus.REVERSED):
            closed = known.status == AcquirerStatus.REVERSED
            return ProviderAnswer(AcquirerStatus.DECLINED if closed else known.status,
                                  "the trade is closed" if closed else known.reason, known.trade_no)
        method = "pay_agreement" if kind == TradeKind.AGREEMENT else "pay"
        answer = timer.call(provider, method, otn, amount, self._subject(req), payer)
        self._record(otn, answer)
        return answer

    def _record(self, otn: str, answer: ProviderAnswer) -> None:
        if answer.status in FINAL:
            self.store.update_trade(otn, answer.status, answer.reason, answer.trade_no)

    def _known(self, otn: str) -> Trade:
        trade = self.store.trade(otn)
        if trade is None:
            raise Refused(AcquirerStatus.UNKNOWN, "no such trade")
        return trade

    def _query(self, _terminal: str, otn: str, _req: dict[str, Any], timer: Timer) -> ProviderAnswer:
        trade = self._known(otn)
        if trade.status == AcquirerStatus.REVERSED and trade.watch_until is None:
            return ProviderAnswer(AcquirerStatus.CLOSED, "the trade was cancelled")
        answer = timer.call(self.provider(trade.provider), "query", otn)
        if trade.status not in (AcquirerStatus.REVERSED, AcquirerStatus.SUCCESS):
            self._record(otn, answer)
        return answer

    def _reverse(self, terminal: str, otn: str, _req: dict[str, Any], timer: Timer) -> ProviderAnswer:
        trade = self.store.trade(otn)
        if trade is None:   # never sent to a provider: closed here, so a pay arriving later is declined
            self.store.begin_trade(Trade(otn, terminal, "", TradeKind.CODE, "0", AcquirerStatus.REVERSED))
            return ProviderAnswer(AcquirerStatus.REVERSED, "no payment was made")
        provider = self.provider(trade.provider)
        deadline, pause = time.monotonic() + self.config.reverse_window_s, 0.1
        answer = timer.call(provider, "reverse", otn)
        while answer.retry and time.monotonic() + pause < deadline:
            self.sleep(pause)
            pause = min(pause * 2, 2.0)
            answer = timer.call(provider, "reverse", otn)
        # Watched whatever the answer: a payment that lands after the cancel is told to the terminal to refund.
        watch = time.time() + self.config.watch_window_s
        status = AcquirerStatus.REVERSED if answer.status == AcquirerStatus.REVERSED else trade.status
        self.store.update_trade(otn, status, answer.reason, watch_until=watch)
        return answer

    def _refund(self, _terminal: str, otn: str, req: dict[str, Any], timer: Timer) -> ProviderAnswer:
        trade = self._known(otn)
        refund_no = str(req.get("out_request_no", ""))
        if not refund_no or len(refund_no) > 64:
            raise Refused(AcquirerStatus.FAILED, "out_request_no is missing or longer than 64 characters")
        amount = self._amount({**req, "currency": req.get("currency", CURRENCY)})
        done = self.store.begin_refund(refund_no, otn, trade.provider, amount)
        if done == AcquirerStatus.REFUNDED:
            return ProviderAnswer(AcquirerStatus.REFUNDED, "already refunded (same out_request_no)")
        answer = timer.call(self.provider(trade.provider), "refund", otn, amount, refund_no,
                            str(req.get("reason", ""))[:80])
        self.store.update_refund(refund_no, answer.status, answer.reason)
        return answer

    def _precreate(self, terminal: str, otn: str, req: dict[str, Any], timer: Timer) -> ProviderAnswer:
        amount = self._amount(req)
        provider = self.provider(str(self.config.qr_provider or ""))
        self._start(Trade(otn, terminal, provider.name, TradeKind.QR, amount, AcquirerStatus.CREATED))
        return timer.call(provider, "precreate", otn, amount, self._subject(req))

    def _agreement_sign(self, _terminal: str, _otn: str, req: dict[str, Any], timer: Timer) -> ProviderAnswer:
        member = str(req.get("member_id", ""))
        if not member or len(member) > 64:
            raise Refused(AcquirerStatus.FAILED, "member_id is missing or longer than 64 characters")
        return timer.call(self.provider(ProviderName.ALIPAY), "agreement_sign", member)
