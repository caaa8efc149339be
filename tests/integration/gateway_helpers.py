"""A module's gateway world: one deployment, one Mosquitto, one gateway; a bare MQTT terminal client."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from sync.gateway.config import GatewayConfig
from sync.gateway.provider import Provider, ProviderName
from sync.mqtt import BrokerSettings, make_client, publish_properties
from sync.rpc import reply_topic, rpc_topic

FAST_GATEWAY = {"reverse_window_s": 0.7, "watch_interval_s": 0.2, "watch_window_s": 8.0, "timeout_s": 2.0,
                "workers": 16}


def gateway_config(tmp: Path, port: int, **over: Any) -> GatewayConfig:
    """A config for a gateway on loopback with fast watch and reverse windows."""
    creds = {ProviderName.ALIPAY: tmp / "alipay.json", ProviderName.WECHAT: tmp / "wechatpay.json"}
    values = {**FAST_GATEWAY, **over}
    return GatewayConfig(path=tmp / "gateway.toml", notify_port=port, notify_base_url=f"http://127.0.0.1:{port}",
                         qr_provider=ProviderName.ALIPAY, credentials=creds, **values)


def start_gateway(settings: BrokerSettings, url: str, providers: dict[ProviderName, Provider],
                  config: GatewayConfig) -> Any:
    """A started in-process gateway, its subscription acknowledged."""
    from sync.gateway.service import Gateway
    gateway = Gateway(settings, url, providers, config)
    gateway.start()
    if not gateway.subscribed.wait(10):
        raise AssertionError("the gateway did not subscribe")
    return gateway


class RpcClient:
    """A terminal's side of the protocol, bare: requests with response topic + correlation, notifies kept."""

    def __init__(self, settings: BrokerSettings, terminal: str) -> None:
        self.terminal = terminal
        self.waiting: dict[bytes, Future[dict[str, Any]]] = {}
        self.notifies: list[dict[str, Any]] = []
        self.ready = threading.Event()
        self.client = make_client(settings, terminal)
        self.client.on_connect = lambda c, *_: c.subscribe(reply_topic(terminal, "+"), qos=1)
        self.client.on_subscribe = lambda *_: self.ready.set()
        self.client.on_message = self._on_message
        self.client.connect(settings.host, settings.port)
        self.client.loop_start()
        assert self.ready.wait(10), "the test client did not subscribe"

    def _on_message(self, _c: Any, _u: Any, message: Any) -> None:
        body = json.loads(message.payload)
        future = self.waiting.pop(bytes(getattr(message.properties, "CorrelationData", b"") or b""), None)
        if future is not None:
            future.set_result(body)
        else:
            self.notifies.append(body)

    def call(self, method: str, body: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Send a request and wait for its reply."""
        correlation = uuid.uuid4().hex.encode()
        future: Future[dict[str, Any]] = Future()
        self.waiting[correlation] = future
        props = publish_properties(correlation, reply_topic(self.terminal, method))
        self.client.publish(rpc_topic(self.terminal, method), json.dumps(body), qos=1, properties=props)
        return future.result(timeout)

    def otn(self) -> str:
        """A new out_trade_no of this terminal."""
        return f"{self.terminal}-{uuid.uuid4().hex[:20]}"

    def close(self) -> None:
        """Disconnect."""
        self.client.loop_stop()
        self.client.disconnect()


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
    """POST a notification; (status, body)."""
    request = urllib.request.Request(url, body, {"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
