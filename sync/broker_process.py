"""A real Mosquitto process for a deployment: started, stopped, killed, restarted (tests, bench, technicians)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
ALL_ADDRESSES = "0.0.0.0"
INSTALL_HINT = "install it with `sudo apt-get install mosquitto` (Debian/Ubuntu)"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_mosquitto() -> str | None:
    """The mosquitto executable on PATH (or in the sbin directories a non-root PATH lacks), else None."""
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)), None)


def is_local_address(host: str) -> bool:
    """True when a socket can be bound to `host` here: an address (or a name resolving to one) of this machine."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    for family, kind, proto, _name, address in infos:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.bind((address[0], 0))
                return True
        except OSError:
            continue
    return False


def not_local_advice(bind: str, conf: Path) -> str:
    """What to do when the broker is configured to listen on an address this machine does not have."""
    return (f"{bind} is not an address of this machine, so Mosquitto cannot listen on it (\"Cannot assign "
            f"requested address\"). --host is the name terminals connect to; the broker listens on --bind "
            f"(default: the host when it is local, else {ALL_ADDRESSES} = every address). Make the deployment "
            f"again with `edgepos --data-dir DIR cloud init ... --host {bind} --bind {ALL_ADDRESSES} --force` (new "
            f"terminal passwords) or change the `listener` line of {conf} to one of this machine's addresses")


def mosquitto_or_advice() -> str:
    """The mosquitto executable's path, or RuntimeError saying how to install it."""
    exe = find_mosquitto()
    if exe is None:
        raise RuntimeError(f"mosquitto not found (on PATH or in /usr/sbin, /usr/local/sbin): {INSTALL_HINT}")
    return exe


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class MosquittoBroker:
    """One `mosquitto -c conf` process listening on `port`; its stderr log goes to `log_path`."""

    def __init__(self, conf_path: Path, port: int, log_path: Path, host: str = "127.0.0.1") -> None:
        self.conf_path, self.port, self.log_path, self.host = Path(conf_path), port, Path(log_path), host
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        """True while the broker process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The process id of the running broker, if any."""
        return self._process.pid if self.running and self._process is not None else None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the broker logged."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start(self) -> None:
        """Spawn the broker and wait until its port accepts TCP connections; raise with the log tail otherwise."""
        if self.running:
            raise RuntimeError(f"mosquitto is already running (pid {self.pid})")
        exe = mosquitto_or_advice()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen([exe, "-c", str(self.conf_path)], stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _accepts(self.host, self.port):
            code = self._process.poll()
            if code is not None:
                self._process = None
                tail = self.log_tail()
                advice = ("\nThe listener address is not one of this machine's: --host is what terminals connect "
                          "to, --bind what the broker listens on (see `edgepos cloud init --help`)."
                          if "Cannot assign requested address" in tail else "")
                raise RuntimeError(f"mosquitto exited with status {code} at start; log:\n{tail}{advice}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"mosquitto did not listen on {self.host}:{self.port} within "
                                   f"{START_TIMEOUT_S:.0f} s; log:\n{self.log_tail()}")
            time.sleep(0.02)  # polling the port: there is no event to wait on

    def stop(self) -> None:
        """SIGTERM the broker and wait for it to exit (SIGKILL if it does not within a few seconds)."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL the broker: a crash, no clean disconnects."""
        self._end(signal.SIGKILL)

    def restart(self) -> None:
        """Stop the broker and start it again on the same port and config."""
        self.stop()
        self.start()

    def _end(self, sig: signal.Signals) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> MosquittoBroker:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
