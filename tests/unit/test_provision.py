"""The pure parts of provisioning: certificates, ACL and config text, id checks, loading, installing a key."""
from __future__ import annotations

import ipaddress
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from paho.mqtt.client import topic_matches_sub

from sync.broker_files import BACKEND_USER, acl_text, backend_users, mosquitto_conf_text
from sync.certs import make_ca, make_server_cert, write_certificates
from sync.provision import Deployment, TerminalCredentials, init_deployment, load_deployment
from terminal.app.bootstrap import load_secret
from terminal.errors import ConfigError


def _sans(cert: x509.Certificate) -> set[str]:
    ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(ip) for ip in ext.get_values_for_type(x509.IPAddress)} | set(ext.get_values_for_type(x509.DNSName))


def test_server_certificate_names_every_host_and_is_signed_by_the_ca() -> None:
    ca_key, ca_cert = make_ca()
    _, cert = make_server_cert(ca_key, ca_cert, ["pos.shop.lan", "10.1.2.3", "::1", "pos.shop.lan"])
    assert _sans(cert) == {"pos.shop.lan", "10.1.2.3", "::1", "127.0.0.1", "localhost"}
    ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("10.1.2.3") in ext.get_values_for_type(x509.IPAddress)  # an IP entry, not a name
    cert.verify_directly_issued_by(ca_cert)
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey) and ca_key.curve.name == "secp256r1"
    lifetime = ca_cert.not_valid_after_utc - datetime.now(UTC)
    assert timedelta(days=3640) < lifetime <= timedelta(days=3651)


def test_certificate_files_keys_are_private(tmp_path: Path) -> None:
    paths = write_certificates(tmp_path, ["127.0.0.1"])
    assert stat.S_IMODE(paths.ca_key.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.server_key.stat().st_mode) == 0o600
    assert _sans(x509.load_pem_x509_certificate(paths.server_cert.read_bytes())) == {"127.0.0.1", "localhost"}


def _rules(text: str) -> list[tuple[str | None, str, str, str]]:
    """(user or None for pattern rules, kind, access, topic) of each rule in an ACL file."""
    rules, user = [], None
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "user":
            user = words[1]
        elif words[0] == "topic":
            rules.append((user, "topic", words[1], words[2]))
        else:
            assert words[0] == "pattern", line
            rules.append((None, "pattern", words[1], words[2]))
    return rules


def test_acl_confines_every_terminal_to_its_own_prefix() -> None:
    rules = _rules(acl_text())
    assert all(len(r) == 4 and r[2] in ("read", "write") for r in rules)  # explicit access, never readwrite
    assert all(user in backend_users() for user, kind, _, _ in rules if kind == "topic")  # no rule for everyone
    patterns = [(access, topic) for _, kind, access, topic in rules if kind == "pattern"]
    assert patterns and all(topic.startswith("edgepos/v1/%u/") for _, topic in patterns)
    assert all("%c" not in topic for _, topic in patterns)

    writes = [topic.replace("%u", "T-0001") for access, topic in patterns if access == "write"]
    reads = [topic.replace("%u", "T-0001") for access, topic in patterns if access == "read"]
    foreign = ["edgepos/v1/T-0002/events", "edgepos/v1/T-0002/status", "edgepos/v1/T-0002/rpc/price",
               "edgepos/v1/T-0001/acks", "edgepos/v1/T-0001/config", "edgepos/v1/T-00011/events",
               "edgepos/v2/T-0001/events", "edgepos/v1/+/events", "$SYS/x"]
    for topic in foreign:
        assert not any(topic_matches_sub(rule, topic) for rule in writes), topic
    for topic in ("edgepos/v1/T-0001/events", "edgepos/v1/T-0001/status", "edgepos/v1/T-0001/rpc/price"):
        assert any(topic_matches_sub(rule, topic) for rule in writes), topic
    for topic in ("edgepos/v1/T-0002/acks", "edgepos/v1/T-0002/config", "edgepos/v1/T-0002/rpc/price/reply",
                  "edgepos/v1/T-0001/events"):
        assert not any(topic_matches_sub(rule, topic) for rule in reads), topic

    backend = {(access, topic) for user, kind, access, topic in rules if user == BACKEND_USER}
    assert ("read", "edgepos/v1/+/events") in backend and ("read", "edgepos/v1/+/status") in backend
    assert {("write", "edgepos/v1/+/acks"), ("write", "edgepos/v1/+/config"),
            ("write", "edgepos/v1/+/rpc/+/reply")} <= backend
    assert not any(access == "write" and topic_matches_sub(topic, "edgepos/v1/T-0001/events")
                   for access, topic in backend)


GLOBAL_OPTIONS = {"per_listener_settings", "allow_anonymous", "password_file", "acl_file", "persistence", "user",
                  "persistence_location", "autosave_interval",
                  "max_inflight_messages", "max_queued_messages", "max_packet_size", "log_dest", "log_type",
                  "connection_messages", "set_tcp_nodelay"}


def test_broker_config_has_one_tls_listener_and_no_default_one(tmp_path: Path) -> None:
    text = mosquitto_conf_text(tmp_path, "10.1.2.3", 18883, "root")
    lines = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    first_listener = next(i for i, words in enumerate(lines) if words[0] == "listener")
    # A listener option above the first `listener` line makes Mosquitto open a plain default listener on 1883.
    assert {words[0] for words in lines[:first_listener]} <= GLOBAL_OPTIONS
    assert [words for words in lines if words[0] == "listener"] == [["listener", "18883", "10.1.2.3"]]
    options = {words[0]: words[1:] for words in lines}
    assert options["allow_anonymous"] == ["false"] and options["use_username_as_clientid"] == ["true"]
    assert options["tls_version"] == ["tlsv1.2"] and options["max_queued_messages"] == ["200000"]
    for name in ("password_file", "acl_file", "cafile", "certfile", "keyfile"):
        assert Path(options[name][0]).is_absolute(), name
    assert options["keyfile"] == [str(tmp_path.resolve() / "server.key")]


@pytest.mark.parametrize("bad", ["", "bad id", "T/0001", "T-0001/#", "+", "#", "%u", "-lead", "T-0001\n",
                                 "x" * 65, "T-0001 ", BACKEND_USER])
def test_bad_terminal_ids_are_refused_before_anything_is_written(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="terminal id"):
        init_deployment(tmp_path / "deploy", ["T-0001", bad])
    assert not (tmp_path / "deploy").exists()


def test_empty_or_repeated_terminal_lists_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least one"):
        init_deployment(tmp_path / "deploy", [])
    with pytest.raises(ConfigError, match="twice"):
        init_deployment(tmp_path / "deploy", ["T-0001", "T-0001"])
    with pytest.raises(ConfigError, match="port"):
        init_deployment(tmp_path / "deploy", ["T-0001"], port=70000)


def test_load_deployment_names_the_missing_or_corrupt_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no deployment at .*deployment\.json.*cloud init"):
        load_deployment(tmp_path)
    (tmp_path / "deployment.json").write_text("{not json")
    with pytest.raises(ConfigError, match=r"deployment\.json cannot be read"):
        load_deployment(tmp_path)
    (tmp_path / "deployment.json").write_text(json.dumps({"host": "127.0.0.1", "port": 8883}))
    with pytest.raises(ConfigError, match=r"deployment\.json is corrupt"):
        load_deployment(tmp_path)


def _deployment(tmp_path: Path) -> Deployment:
    creds = {"T-0001": TerminalCredentials("pw-one", bytes(range(32)))}
    return Deployment(tmp_path, "127.0.0.1", 8883, tmp_path / "ca.crt", BACKEND_USER, "pw-backend", creds)


def test_settings_secrets_and_installing_a_terminal_key(tmp_path: Path) -> None:
    dep = _deployment(tmp_path)
    assert dep.conf_path == tmp_path / "mosquitto.conf"
    backend = dep.backend_settings()
    assert (backend.username, backend.password, backend.tls) == (BACKEND_USER, "pw-backend", True)
    assert dep.terminal_settings("T-0001").username == "T-0001"
    assert dep.secrets() == {"T-0001": bytes(range(32))}
    with pytest.raises(ConfigError, match="T-0009"):
        dep.terminal_settings("T-0009")
    assert "pw-one" not in repr(dep) and "pw-backend" not in repr(dep) and bytes(range(32)).hex() not in repr(dep)

    data_dir = tmp_path / "data"
    dep.install_terminal("T-0001", data_dir)
    assert stat.S_IMODE((data_dir / "keys").stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "keys" / "terminal.key").stat().st_mode) == 0o600
    assert load_secret(data_dir) == bytes(range(32))


def test_a_deployment_is_found_from_its_data_dir_and_an_old_one_gets_a_secret_share_name(tmp_path: Path) -> None:
    creds = {"T-0001": {"password": "pw-one", "secret": bytes(range(32)).hex()}}
    old = {"format": 1, "host": "10.0.0.5", "port": 8883, "ca_file": str(tmp_path / "ca.crt"),
           "backend": {"username": BACKEND_USER, "password": "pw"}, "terminals": creds}
    deploy = tmp_path / "cloud" / "deploy"
    deploy.mkdir(parents=True)
    (deploy / "deployment.json").write_text(json.dumps(old))
    for given in (deploy, tmp_path / "cloud", tmp_path):   # the directory itself, its data dir, the legacy layout
        dep = load_deployment(given)
        assert dep.directory == deploy and dep.bind == "10.0.0.5"
    stored = json.loads((deploy / "deployment.json").read_text())["backend"]["shared_group"]
    assert dep.shared_group == stored and len(stored) >= 22
    assert load_deployment(deploy).shared_group == stored   # made once, then kept
    assert stat.S_IMODE((deploy / "deployment.json").stat().st_mode) == 0o600


def test_bind_defaults_to_a_local_host_else_every_address(tmp_path: Path) -> None:
    from sync.provision import choose_bind
    assert choose_bind("127.0.0.1", None) == "127.0.0.1"
    assert choose_bind("localhost", None) == "localhost"
    assert choose_bind("192.0.2.10", None) == "0.0.0.0"
    assert choose_bind("192.0.2.10", "0.0.0.0") == "0.0.0.0"
    with pytest.raises(ConfigError, match=r"--bind 192\.0\.2\.10.*--bind 0\.0\.0\.0"):
        choose_bind("192.0.2.10", "192.0.2.10")
    assert "listener 8883 0.0.0.0\n" in mosquitto_conf_text(tmp_path, "0.0.0.0", 8883, "pos")
