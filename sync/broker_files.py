"""The Mosquitto 2.0 files of a deployment: ACL and config text (pure), and the password file (mosquitto_passwd)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sync.schema import ALL_EVENTS, ROOT
from terminal.errors import ConfigError

INSTALL_HINT = "install the broker with `sudo apt-get install mosquitto` (Debian/Ubuntu)"
# A share name is one topic level without wildcards; cloud init makes it a random secret (see shared_events_topic).
SHARE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

BACKEND_USER = "edgepos-backend"
# With use_username_as_clientid, two clients of one user take each other's session over: each ingest
# worker logs in as its own user `edgepos-backend-<n>`; the plain user is for tools (push-config).
MAX_WORKERS = 8


ACQUIRER_USER = "edgepos-acquirer"
FORWARDER_USER = "edgepos-forwarder"


def backend_users(base: str = BACKEND_USER) -> list[str]:
    """The cloud side's broker users: tools, the acquirer gateway, then one per possible ingest worker."""
    return [base, ACQUIRER_USER, FORWARDER_USER] + [f"{base}-{n}" for n in range(1, MAX_WORKERS + 1)]

# Topic rules. Mosquitto 2.0 checks every PUBLISH (and will) against "write": denied, an MQTT 5 client gets
# PUBACK 135 (a 3.1.1 client a plain PUBACK). With an acl_file it grants every SUBSCRIBE, `$share/...` ones
# included, and checks "read" on each message it would deliver (retained ones too), against the real topic.
CLOUD_RPC = "edgepos/cloud/v1/rpc"   # the backend's own requests to the acquirer (forwarded offline payments)
BACKEND_READ = (f"{ROOT}/+/events", f"{ROOT}/+/status", f"{ROOT}/+/rpc/+", f"{CLOUD_RPC}/+", f"{CLOUD_RPC}/+/reply")
BACKEND_WRITE = (f"{ROOT}/+/acks", f"{ROOT}/+/config", f"{ROOT}/+/rpc/+/reply", f"{CLOUD_RPC}/+",
                 f"{CLOUD_RPC}/+/reply")
TERMINAL_WRITE = (f"{ROOT}/%u/events", f"{ROOT}/%u/status", f"{ROOT}/%u/rpc/#")
TERMINAL_READ = (f"{ROOT}/%u/acks", f"{ROOT}/%u/config", f"{ROOT}/%u/rpc/+/reply")


def shared_events_topic(group: str) -> str:
    """The ingest workers' shared subscription to every terminal's events, in share group `group`.

    Mosquitto 2.0 grants any client's SUBSCRIBE to `$share/<group>/...` and checks "read" only on delivery, so
    a terminal that joined the backend's group would take a round-robin share of every terminal's events and
    drop them (its read check fails): those events wait for a resend. The group name is therefore a random
    secret of the deployment, kept with the backend's credentials and never given to a terminal.
    """
    if not SHARE_NAME.fullmatch(group):
        raise ConfigError(f"shared subscription group {group!r} must be 1 to 64 letters, digits, '_' or '-'")
    return f"$share/{group}/{ALL_EVENTS}"


def acl_text(backend_user: str = BACKEND_USER) -> str:
    """The ACL file: the backend's user rules, then pattern rules confining each terminal to its own id."""
    lines = ["# edgepos broker ACL, written by sync.provision. Anything not granted here is denied.",
             "# Rules before the first 'user' line would apply to every client: there are none."]
    for user in backend_users(backend_user):
        lines += ["", f"user {user}"]
        lines += [f"topic read {topic}" for topic in BACKEND_READ]
        lines += [f"topic write {topic}" for topic in BACKEND_WRITE]
    lines += ["", "# Every client, %u being its username (= its client id = the terminal id)."]
    lines += [f"pattern write {topic}" for topic in TERMINAL_WRITE]
    lines += [f"pattern read {topic}" for topic in TERMINAL_READ]
    return "\n".join(lines) + "\n"


def mosquitto_conf_text(directory: Path, bind: str, port: int, run_as: str) -> str:
    """mosquitto.conf for one TLS listener on `bind` (a local address, 0.0.0.0 for all) with the deployment's files."""
    d = directory.resolve()
    return f"""# edgepos broker, written by sync.provision. Start with: mosquitto -c {d / "mosquitto.conf"}
per_listener_settings false
allow_anonymous false
password_file {d / "passwd"}
acl_file {d / "acl"}
# Sessions (the backend's subscription and its queued events) survive a broker restart; a crash loses at
# most the last autosave interval, which the terminals' ack timeout then resends.
persistence true
persistence_location {d}/
autosave_interval 30
# Started as root, Mosquitto would switch to user "mosquitto", which cannot read the 0600 key files.
user {run_as}

# QoS 1 flow. max_inflight_messages is the outgoing window for clients that send no Receive Maximum and is
# sent as Receive Maximum in the CONNACK (the default 20 caps every publisher at 20 unacked); 0 = no broker
# limit (no Receive Maximum in the CONNACK, i.e. 65535; a client's own Receive Maximum still applies).
# The per-client queue above the window holds a slow backend's backlog: past max_queued_messages Mosquitto
# drops messages silently after PUBACKing them to the publisher (the default 1000 would lose events).
max_inflight_messages 0
max_queued_messages 200000
max_packet_size 262144
# Without it Nagle holds each small reply until the client's delayed ACK: 25-40 ms on every wallet request/reply
# (`edgepos bench gateway`: round trip less provider time p50 39 ms without, 13 ms with).
set_tcp_nodelay true

log_dest stderr
log_type error
log_type warning
log_type notice
connection_messages true

# Listener options go below their `listener` line: above it, Mosquitto would open a default
# plain-text listener on port 1883 for them.
listener {port} {bind}
use_username_as_clientid true
cafile {d / "ca.crt"}
certfile {d / "server.crt"}
keyfile {d / "server.key"}
tls_version tlsv1.2
"""


def find_mosquitto_passwd() -> str:
    """The mosquitto_passwd executable, or a ConfigError saying how to install it."""
    found = shutil.which("mosquitto_passwd") or next(
        (p for p in ("/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd") if os.access(p, os.X_OK)), None)
    if found is None:
        raise ConfigError(f"mosquitto_passwd not found (on PATH or in /usr/bin, /usr/local/bin): {INSTALL_HINT}")
    return found


def write_passwd(path: Path, users: dict[str, str]) -> None:
    """Create the Mosquitto password file (mode 0600): plain entries hashed in place by `mosquitto_passwd -U`.

    One run for every user, and no password ever appears in a process's arguments.
    """
    tool = find_mosquitto_passwd()
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(f"{user}:{password}\n" for user, password in users.items())
    result = subprocess.run([tool, "-U", str(path)], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        path.unlink()
        detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        raise ConfigError(f"{tool} could not hash the passwords in {path}: {detail}")
    os.chmod(path, 0o600)
