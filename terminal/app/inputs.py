"""Code inputs of a kiosk (serial scanner, camera), built from config; each hands its text to one callback."""
from __future__ import annotations

import logging
from typing import Any, Callable

from terminal.scanning.capture import CameraFrame
from terminal.config.settings import Config

log = logging.getLogger(__name__)


def start_code_inputs(config: Config, on_code: Callable[[str], None], on_error: Callable[[str], None],
                      on_frame: Callable[[CameraFrame], None] | None = None) -> list[Any]:
    """Start the configured scanner and camera; returns them (each has stop()). Errors go to on_error,
    each camera frame to on_frame (the payment panel's preview)."""
    started: list[Any] = []
    devices = config.devices
    if devices.scanner == "serial":
        from drivers.serial_scanner import ScannerError, SerialScanner
        scanner = SerialScanner(devices.scanner_port, devices.scanner_baud, on_code,
                                on_error=lambda err: on_error(f"scanner: {err}"))
        try:
            scanner.start()
            started.append(scanner)
        except ScannerError as err:
            on_error(f"scanner {devices.scanner_port}: {err}")
    if devices.camera == "opencv" or (devices.camera == "sim" and devices.camera_source):
        from drivers.camera import CameraError, OpenCvCamera
        from drivers.capture_worker import CaptureWorker
        from drivers.codereader import ZbarCodeReader
        source: int | str = int(devices.camera_source) if devices.camera_source.isdigit() else devices.camera_source
        try:
            worker = CaptureWorker(OpenCvCamera(source or 0), ZbarCodeReader(), lambda d: on_code(d.text),
                                   on_error=lambda err: on_error(f"camera: {err}"), on_frame=on_frame)
            worker.start()
            started.append(worker)
        except CameraError as err:
            on_error(f"camera {devices.camera_source or 0}: {err}")
    return started
