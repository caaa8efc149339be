"""Doctor checks that need the device drivers: printer, scanner port, camera."""
from __future__ import annotations

from collections.abc import Callable

from terminal.config.settings import DeviceConfig
from terminal.errors import CameraError
from terminal.ports import Camera, Printer
from terminal.technician.doctor import Check


def check_printer(printer: Printer, devices: DeviceConfig) -> Check:
    """The printer's port answers (and, where it reports it, has paper)."""
    status = printer.status()
    where = devices.printer_port or "the virtual printer"
    if status == "ready":
        return Check("printer", True, f"{devices.printer} on {where}: ready")
    if devices.printer == "sim":
        fix = "run `edgepos sim printer --out /tmp/receipts` by hand to see why the virtual printer does not start"
    elif devices.printer_port.startswith("/dev/pts/"):
        fix = "start the virtual printer: `edgepos sim printer --out DIR`, and put its pty in [devices] printer_port"
    else:
        fix = "check power, paper and cable, and [devices] printer_port / printer_baud"
    return Check("printer", False, status, fix)


def check_scanner(devices: DeviceConfig) -> Check:
    """The serial scanner's port opens."""
    if devices.scanner != "serial":
        return Check("scanner", True, f"{devices.scanner}: no serial port to check")
    import serial
    try:
        serial.Serial(devices.scanner_port, devices.scanner_baud, timeout=0.5).close()
    except (serial.SerialException, OSError) as err:
        return Check("scanner", False, f"{devices.scanner_port}: {err}",
                     "plug the scanner in, or fix [devices] scanner_port (ls /dev/serial/by-id/)")
    return Check("scanner", True, f"{devices.scanner_port} opens at {devices.scanner_baud} baud")


def check_camera(devices: DeviceConfig, open_camera: Callable[[], Camera]) -> Check:
    """The camera (from the app's camera factory) opens and gives a frame."""
    if devices.camera == "none" or (devices.camera == "sim" and not devices.camera_source):
        return Check("camera", True, f"{devices.camera}: no camera to check")
    try:
        camera = open_camera()
        try:
            frame = camera.read()
        finally:
            camera.close()
    except CameraError as err:
        return Check("camera", False, str(err), "plug the camera in, or fix [devices] camera_source")
    height, width = frame.image.shape[:2]
    return Check("camera", True, f"{devices.camera_source or 0}: {width}x{height} frames")
