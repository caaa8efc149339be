"""What the technician screen asks of the terminal: checks, test print, scanner and camera tests, queue, logs.

Each function may block (serial ports, a broker login, a camera); the kiosk calls them from a worker thread.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from terminal.app.logs import recent_lines
from terminal.config.settings import DeviceConfig
from terminal.payments.paycodes import classify, mask
from terminal.sales.sample_receipt import build_test_receipt
from terminal.scanning.capture import CameraFrame, route
from terminal.store.sync_store import LinkState, SyncStatus, SyncStore
from terminal.technician.doctor import Check

if TYPE_CHECKING:
    from terminal.app.bootstrap import Terminal

LOG_LINES = 30


def run_checks(terminal: Terminal) -> list[Check]:
    """The `edgepos doctor` checks against the running terminal's own database, printer and link."""
    from terminal.app.doctor_command import collect_checks

    status = SyncStore(terminal.db).status()
    since = (status.since or "") if status.link is LinkState.ONLINE else None
    return collect_checks(terminal.config, terminal.data_dir, terminal, link_online_since=since)


def test_print(terminal: Terminal, now: datetime | None = None) -> str:
    """Print the test receipt; returns where it went (raises PrinterError with the printer's reason)."""
    from terminal.app.bootstrap import shop_info

    receipt = build_test_receipt(shop_info(terminal.config), now or datetime.now(UTC),
                                 terminal.config.receipt_width)
    return terminal.printer.print_receipt(receipt)


def describe_scan(text: str, terminal: Terminal) -> str:
    """What a scanned text is, safe to show: payment codes masked, items named, anything else shortened."""
    where = route(text, terminal.catalog, lambda code: classify(code).valid)
    if where.kind == "payment":
        code = classify(where.text)
        return f"{code.scheme} payment code {code.masked}"
    if where.kind == "item" and where.sku is not None:
        return f"item {where.text}: {terminal.catalog.by_sku(where.sku).name}"
    shown = mask(where.text) if where.text.isdigit() and len(where.text) >= 12 else where.text[:40]
    return f"{where.kind} {shown}: {where.reason}" if where.reason else f"{where.kind} {shown}"


def camera_configured(devices: DeviceConfig) -> bool:
    """True when the config names a camera to read (a device, a video file or an image sequence)."""
    return devices.camera == "opencv" or (devices.camera == "sim" and bool(devices.camera_source))


def grab_frame(terminal: Terminal) -> CameraFrame:
    """One frame from the terminal's camera (raises CameraError, an EdgeposError, when it gives none)."""
    camera = terminal.devices.open_camera(terminal.config.devices)
    try:
        return camera.read()
    finally:
        camera.close()


def queue_status(terminal: Terminal) -> SyncStatus:
    """Link state, pending events, oldest age, rejected, last ack: what `edgepos sync status` prints."""
    return SyncStore(terminal.db).status()


def recent_log(terminal: Terminal, count: int = LOG_LINES) -> list[str]:
    """The last lines of DATA_DIR/logs/edgepos.log (it never holds a payment code or a phone number)."""
    return recent_lines(terminal.data_dir, count)
