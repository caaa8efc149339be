"""Connecting to the broker: one place that builds paho clients (MQTT 5, TLS, credentials, will)."""
from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from sync.broker_files import shared_events_topic
from sync.schema import SHARED_GROUP
from terminal.errors import ConfigError


@dataclass(frozen=True)
class BrokerSettings:
    """Where and as whom to connect; `ca_file` set means TLS verified against that CA.

    `shared_group` is the cloud side's secret share name (the deployment's); terminals never need it.
    """

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    ca_file: str = ""
    shared_group: str = field(default=SHARED_GROUP, repr=False)

    @property
    def shared_events(self) -> str:
        """The ingest workers' shared subscription to every terminal's events, in this deployment's group."""
        return shared_events_topic(self.shared_group)

    @property
    def tls(self) -> bool:
        """True when the connection is TLS."""
        return bool(self.ca_file)

    @classmethod
    def from_url(cls, url: str, username: str, password: str, ca_file: str = "") -> BrokerSettings:
        """Settings from a `mqtt://host:port` or `mqtts://host:port` URL (mqtts needs a CA file)."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ConfigError(f"broker url {url!r} must look like mqtts://host:8883")
        if parts.scheme == "mqtts" and not ca_file:
            raise ConfigError(f"broker url {url!r} is TLS: set ca_file to the deployment's CA certificate")
        port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        return cls(parts.hostname, port, username, password, ca_file if parts.scheme == "mqtts" else "")


class Will:
    """A retained last-will message."""

    def __init__(self, topic: str, payload: bytes) -> None:
        self.topic, self.payload = topic, payload


def make_client(settings: BrokerSettings, client_id: str, will: Will | None = None) -> mqtt.Client:
    """A paho client (callback API v2, MQTT 5) with credentials, TLS and will set, not yet connected."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.username_pw_set(settings.username, settings.password)
    if settings.tls:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.ca_file)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        client.tls_set_context(context)
    if will is not None:
        client.will_set(will.topic, will.payload, qos=1, retain=True)
    return client


def _properties(packet_type: int) -> Properties:
    return Properties(packet_type)  # type: ignore[no-untyped-call]  # paho's Properties.__init__ has no annotations


def session_properties(expiry_s: int) -> Properties:
    """CONNECT properties keeping the session (and its queued messages) for expiry_s after a disconnect."""
    props = _properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = expiry_s
    return props


def publish_properties(correlation: bytes, response_topic: str | None = None) -> Properties:
    """PUBLISH properties of an RPC message: its correlation data and, for a request, the topic to answer on."""
    props = _properties(PacketTypes.PUBLISH)
    if response_topic is not None:
        props.ResponseTopic = response_topic
    props.CorrelationData = correlation
    return props


def reason_text(code: object) -> str:
    """A paho reason code as words ("Not authorized"), whatever form paho hands it in."""
    name = getattr(code, "getName", None)
    return str(name()) if callable(name) else str(code)
