"""Fault "f": a terminal (or a stranger) tries what the broker must not let it do. Real Mosquitto, real paho clients.

Every client is built with sync.mqtt.make_client (MQTT 5, TLS against the deployment's CA). Mosquitto 2.0
answers an ACL-denied PUBLISH with PUBACK reason 135 under MQTT 5. It grants every SUBSCRIBE with its
acl_file (the default ACL check skips subscriptions) and enforces "read" on each delivered message instead, so
the tests on reading assert that nothing arrives, using a later allowed message as the barrier.
"""
from __future__ import annotations

import os
import ssl
import stat
import threading
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.reasoncodes import ReasonCode

from sync.certs import write_certificates
from sync.mqtt import BrokerSettings, make_client
from sync.provision import Deployment, init_deployment, load_deployment
from sync.schema import acks_topic, config_topic, events_topic, status_topic
from terminal.app.bootstrap import load_secret
from terminal.errors import ConfigError

pytestmark = pytest.mark.integration

TIMEOUT_S = 5.0
NOT_AUTHORIZED = 135
BAD_CREDENTIALS = 134
NO_MATCHING_SUBSCRIBERS = 16


class Peer:
    """A paho client from make_client whose callbacks are recorded under a condition, to wait on."""

    def __init__(self, settings: BrokerSettings, client_id: str) -> None:
        self.settings = settings
        self.client = make_client(settings, client_id)
        self.cond = threading.Condition()
        self.connack: ReasonCode | None = None
        self.disconnects = 0
        self.subacks: dict[int, list[ReasonCode]] = {}
        self.pubacks: dict[int, ReasonCode] = {}
        self.messages: list[mqtt.MQTTMessage] = []
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_publish = self._on_publish
        self.client.on_message = self._on_message

    def _record(self, update: Callable[[], None]) -> None:
        with self.cond:
            update()
            self.cond.notify_all()

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason_code: ReasonCode,
                    properties: object) -> None:
        self._record(lambda: setattr(self, "connack", reason_code))

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, reason_code: ReasonCode,
                       properties: object) -> None:
        self._record(lambda: setattr(self, "disconnects", self.disconnects + 1))

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int, reason_codes: list[ReasonCode],
                      properties: object) -> None:
        self._record(lambda: self.subacks.__setitem__(mid, list(reason_codes)))

    def _on_publish(self, client: mqtt.Client, userdata: object, mid: int, reason_code: ReasonCode,
                    properties: object) -> None:
        self._record(lambda: self.pubacks.__setitem__(mid, reason_code))

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        self._record(lambda: self.messages.append(message))

    def wait(self, predicate: Callable[[], bool], what: str) -> None:
        """Block until predicate() holds (checked under the lock), failing the test after TIMEOUT_S."""
        with self.cond:
            if not self.cond.wait_for(predicate, timeout=TIMEOUT_S):
                pytest.fail(f"{self.settings.username}: no {what} within {TIMEOUT_S} s")

    def connect(self) -> None:
        """Open the connection (TCP, TLS) and start the network thread; the CONNACK arrives later."""
        self.client.connect(self.settings.host, self.settings.port, keepalive=30)
        self.client.loop_start()

    def connect_ok(self) -> Peer:
        """Connect and wait for a successful CONNACK."""
        self.connect()
        self.wait(lambda: self.connack is not None, "CONNACK")
        assert self.connack is not None and not self.connack.is_failure, f"refused: {self.connack}"
        return self

    def subscribe(self, topic: str) -> ReasonCode:
        """Subscribe at QoS 1 and return the SUBACK's reason code."""
        result, mid = self.client.subscribe(topic, qos=1)
        assert result == mqtt.MQTT_ERR_SUCCESS
        self.wait(lambda: mid in self.subacks, f"SUBACK for {topic}")
        return self.subacks[mid][0]

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> ReasonCode:
        """Publish at QoS 1 and return the PUBACK's reason code."""
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        self.wait(lambda: info.mid in self.pubacks, f"PUBACK for {topic}")
        return self.pubacks[info.mid]

    def wait_message(self, topic: str, payload: bytes) -> None:
        """Wait until this exact message has arrived."""
        self.wait(lambda: any(m.topic == topic and m.payload == payload for m in self.messages),
                  f"message {payload!r} on {topic}")

    def received(self) -> list[tuple[str, bytes]]:
        """(topic, payload) of every message received so far."""
        with self.cond:
            return [(m.topic, bytes(m.payload)) for m in self.messages]

    def close(self) -> None:
        """Disconnect and stop the network thread (also stops paho's reconnect attempts)."""
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def peers(broker: object) -> Iterator[Callable[[BrokerSettings], Peer]]:
    """Make Peers against the running broker; all are closed at teardown."""
    made: list[Peer] = []

    def make(settings: BrokerSettings, client_id: str = "probe") -> Peer:
        peer = Peer(settings, client_id)
        made.append(peer)
        return peer

    yield make
    for peer in made:
        peer.close()


def test_terminal_publishes_only_under_its_own_id(deployment: Deployment,
                                                   peers: Callable[..., Peer]) -> None:
    backend = peers(deployment.backend_settings()).connect_ok()
    assert not backend.subscribe(deployment.backend_settings().shared_events).is_failure
    assert not backend.subscribe("edgepos/v1/+/status").is_failure
    t1 = peers(deployment.terminal_settings("T-0001")).connect_ok()

    denied = [events_topic("T-0002"), status_topic("T-0002"), "edgepos/v1/T-0002/rpc/price",
              acks_topic("T-0001"), config_topic("T-0001"), "edgepos/v1/T-0002/rpc/price/reply",
              "edgepos/v1/T-0001/other", "edgepos/v1/T-0001", "edgepos/other", "$SYS/broker/forged"]
    for topic in denied:
        code = t1.publish(topic, b"forged")
        assert code.value == NOT_AUTHORIZED, f"{topic}: {code}"
    for topic in (events_topic("T-0001"), status_topic("T-0001"), "edgepos/v1/T-0001/rpc/price"):
        code = t1.publish(topic, b"own")
        assert code.value in (0, NO_MATCHING_SUBSCRIBERS), f"{topic}: {code}"

    # Ordered delivery: once the own event is in, a forged one would have arrived before it.
    backend.wait_message(events_topic("T-0001"), b"own")
    backend.wait_message(status_topic("T-0001"), b"own")
    assert (events_topic("T-0002"), b"forged") not in backend.received()
    assert all(payload != b"forged" for _, payload in backend.received())


def test_wrong_password_and_unknown_user_are_refused_at_connect(deployment: Deployment,
                                                                 peers: Callable[..., Peer]) -> None:
    good = deployment.terminal_settings("T-0001")
    for username, password in (("T-0001", "wrong-" + good.password), ("T-0001", ""),
                               ("T-9999", good.password), (deployment.backend_username, good.password)):
        peer = peers(BrokerSettings(good.host, good.port, username, password, good.ca_file))
        peer.connect()
        peer.wait(lambda: peer.connack is not None, "CONNACK")  # noqa: B023 - waits here
        assert peer.connack is not None and peer.connack.value in (BAD_CREDENTIALS, NOT_AUTHORIZED), \
            f"{username}/{password!r}: {peer.connack}"
        peer.close()


def test_plain_client_cannot_talk_to_the_tls_port(deployment: Deployment, peers: Callable[..., Peer]) -> None:
    good = deployment.terminal_settings("T-0001")
    plain = peers(BrokerSettings(good.host, good.port, good.username, good.password, ca_file=""))
    assert not plain.settings.tls
    try:
        plain.connect()
    except OSError:
        return  # refused while sending CONNECT: as good as a closed connection
    plain.wait(lambda: plain.disconnects > 0, "disconnect")
    assert plain.connack is None


def test_client_trusting_another_ca_refuses_the_broker(deployment: Deployment, tmp_path: Path,
                                                       peers: Callable[..., Peer]) -> None:
    other = tmp_path / "other-ca"
    other.mkdir()
    stranger_ca = write_certificates(other, ["127.0.0.1"]).ca_cert
    good = deployment.terminal_settings("T-0001")
    peer = peers(BrokerSettings(good.host, good.port, good.username, good.password, str(stranger_ca)))
    with pytest.raises(ssl.SSLCertVerificationError):
        peer.connect()
    by_name = peers(BrokerSettings("localhost", good.port, good.username, good.password, good.ca_file))
    by_name.connect_ok()  # the certificate names localhost as well as 127.0.0.1


def test_terminal_reads_only_its_own_acks_and_config(deployment: Deployment,
                                                    peers: Callable[..., Peer]) -> None:
    backend = peers(deployment.backend_settings()).connect_ok()
    assert backend.publish(config_topic("T-0002"), b"t2-config", retain=True).value in (0, NO_MATCHING_SUBSCRIBERS)
    assert backend.publish(config_topic("T-0001"), b"t1-config", retain=True).value in (0, NO_MATCHING_SUBSCRIBERS)
    t1 = peers(deployment.terminal_settings("T-0001")).connect_ok()

    for topic in (acks_topic("T-0002"), config_topic("T-0002"), "edgepos/v1/+/acks", "edgepos/v1/+/config",
                  "$share/spy/edgepos/v1/T-0002/acks", "edgepos/v1/T-0002/#", "#"):
        code = t1.subscribe(topic)
        # Mosquitto 2.0's acl_file grants the subscription and filters each message on delivery;
        # a broker that checks subscriptions refuses it (0x87). Either way nothing of T-0002 may arrive.
        assert code.value in (1, NOT_AUTHORIZED), f"{topic}: {code}"
    assert not t1.subscribe(acks_topic("T-0001")).is_failure
    assert not t1.subscribe(config_topic("T-0001")).is_failure

    assert backend.publish(acks_topic("T-0002"), b"t2-ack").value in (0, NO_MATCHING_SUBSCRIBERS)
    assert backend.publish(acks_topic("T-0001"), b"t1-ack").value == 0
    t1.wait_message(acks_topic("T-0001"), b"t1-ack")  # sent after t2-ack: the barrier
    t1.wait_message(config_topic("T-0001"), b"t1-config")  # retained, delivered on subscribing
    leaked = [(topic, payload) for topic, payload in t1.received() if "T-0002" in topic or payload.startswith(b"t2")]
    assert leaked == []


def test_backend_shares_events_and_answers_terminals(deployment: Deployment,
                                                     peers: Callable[..., Peer]) -> None:
    backend = peers(deployment.backend_settings(), "ingest-1").connect_ok()
    code = backend.subscribe(deployment.backend_settings().shared_events)
    assert deployment.backend_settings().shared_events == f"$share/{deployment.shared_group}/edgepos/v1/+/events"
    assert not code.is_failure and code.value == 1, code
    assert not backend.subscribe("edgepos/v1/+/rpc/+").is_failure
    t1 = peers(deployment.terminal_settings("T-0001")).connect_ok()
    assert not t1.subscribe(acks_topic("T-0001")).is_failure
    assert not t1.subscribe("edgepos/v1/T-0001/rpc/+/reply").is_failure

    for n in range(3):
        assert t1.publish(events_topic("T-0001"), b"event-%d" % n).value == 0
    for n in range(3):
        backend.wait_message(events_topic("T-0001"), b"event-%d" % n)
    assert t1.publish("edgepos/v1/T-0001/rpc/price", b"request").value == 0
    backend.wait_message("edgepos/v1/T-0001/rpc/price", b"request")

    assert backend.publish(acks_topic("T-0001"), b'{"id": "e1", "status": "stored"}').value == 0
    t1.wait_message(acks_topic("T-0001"), b'{"id": "e1", "status": "stored"}')
    assert backend.publish("edgepos/v1/T-0001/rpc/price/reply", b"answer").value == 0
    t1.wait_message("edgepos/v1/T-0001/rpc/price/reply", b"answer")
    # The backend cannot speak for a terminal either.
    assert backend.publish(events_topic("T-0001"), b"forged").value == NOT_AUTHORIZED
    assert backend.publish(status_topic("T-0001"), b"forged").value == NOT_AUTHORIZED


def test_a_terminal_cannot_take_over_another_terminals_client_id(deployment: Deployment,
                                                                 peers: Callable[..., Peer]) -> None:
    t2 = peers(deployment.terminal_settings("T-0002"), "T-0002").connect_ok()
    peers(deployment.terminal_settings("T-0001"), "T-0002").connect_ok()  # the broker uses its username instead
    assert t2.publish(events_topic("T-0002"), b"still here").value in (0, NO_MATCHING_SUBSCRIBERS)
    assert t2.disconnects == 0


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_deployment_files_are_private_and_not_overwritten(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment.directory
    assert _mode(d) == 0o700
    for name in ("ca.key", "server.key", "deployment.json", "passwd"):
        assert _mode(d / name) == 0o600, name
    for tid in ("T-0001", "T-0002"):
        assert _mode(d / "terminals" / tid / "terminal.key") == 0o600
        assert _mode(d / "terminals" / tid / "broker.toml") == 0o600
        assert bytes.fromhex((d / "terminals" / tid / "terminal.key").read_text().strip()) == \
            deployment.terminals[tid].secret

    assert load_deployment(d) == deployment
    broker_toml = tomllib.loads((d / "terminals" / "T-0001" / "broker.toml").read_text())["broker"]
    settings = BrokerSettings.from_url(broker_toml["url"], broker_toml["username"], broker_toml["password"],
                                       broker_toml["ca_file"])
    assert settings == deployment.terminal_settings("T-0001")
    assert Path(broker_toml["ca_file"]).is_absolute()

    data_dir = tmp_path / "terminal-data"
    deployment.install_terminal("T-0002", data_dir)
    assert _mode(data_dir / "keys") == 0o700 and _mode(data_dir / "keys" / "terminal.key") == 0o600
    assert load_secret(data_dir) == deployment.terminals["T-0002"].secret

    before = (d / "deployment.json").read_bytes()
    with pytest.raises(ConfigError, match="re-run `cloud init` with --force"):
        init_deployment(d, ["T-0001"], port=deployment.port)
    assert (d / "deployment.json").read_bytes() == before
    again = init_deployment(d, ["T-0001"], port=deployment.port, force=True)
    assert again.terminals["T-0001"].password != deployment.terminals["T-0001"].password
    assert set(again.terminals) == {"T-0001"} and not (d / "terminals" / "T-0002").exists()
    assert os.listdir(d / "terminals") == ["T-0001"]
