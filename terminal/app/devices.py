"""The one place that builds devices and simulators from config: camera, printer, face engine, code inputs.

Everything outside terminal/app/ gets these through the ports (terminal/ports.py) or through KioskDevices,
which the composition root hands to the kiosk; ui/ never builds a driver itself.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from terminal.app.technician import camera_configured
from terminal.config.settings import Config, DeviceConfig
from terminal.ports import Camera, Printer
from terminal.scanning.capture import CameraFrame
from terminal.scanning.frame_feed import FrameFeed

if TYPE_CHECKING:
    from drivers.face_process import ProcessFaceEngine
    from drivers.frame_pump import FramePump
    from terminal.face.pay import FaceIdentifier
    from terminal.members.service import MemberService
    from terminal.ports import FaceEngine


def camera_source(devices: DeviceConfig) -> int | str:
    """The configured camera: a device index, or a video file / image sequence path (device 0 when unnamed)."""
    source = devices.camera_source
    return int(source) if source.isdigit() else (source or 0)


def open_camera(devices: DeviceConfig) -> Camera:
    """The one camera factory: OpenCV on the configured device, video file or image sequence (opened on read)."""
    from drivers.camera import OpenCvCamera

    return OpenCvCamera(camera_source(devices))


def virtual_printer(config: Config, data_dir: Path) -> Printer:
    """The real ESC/POS driver talking to the virtual printer on a pty; receipts rendered into DATA_DIR/receipts."""
    from simulators.printer_process import SimulatedPrinter

    devices = config.devices
    return SimulatedPrinter(data_dir / "receipts", devices.printer_baud, devices.printer_encoding,
                            devices.printer_paper_dots)


def build_printer(config: Config, data_dir: Path) -> Printer:
    """The configured printer: the ESC/POS driver on the serial port, or on the virtual printer's pty (sim)."""
    devices = config.devices
    if devices.printer == "sim":
        return virtual_printer(config, data_dir)
    from drivers.escpos_printer import EscposSerialPrinter

    return EscposSerialPrinter(devices.printer_port, devices.printer_baud, encoding=devices.printer_encoding,
                               paper_dots=devices.printer_paper_dots)


def build_identifier(config: Config, members: MemberService, engine: FaceEngine | None = None) -> FaceIdentifier:
    """The face engine (face_recognition, unless another is given) with the config's face-pay policy."""
    from terminal.face.pay import FaceIdentifier
    from terminal.face.policy import FacePolicy

    if engine is None:
        from drivers.face_engine import FaceRecognitionEngine

        engine = FaceRecognitionEngine(max_pixels=config.face.max_image_pixels)
    face = config.face
    policy = FacePolicy(face.tolerance, face.margin, float(face.blink_window_s))
    return FaceIdentifier(engine, members, policy)


def start_code_inputs(config: Config, on_code: Callable[[str], None], on_error: Callable[[str], None],
                      on_frame: Callable[[CameraFrame], None] | None = None) -> list[Any]:
    """Start the configured scanner and camera; returns them (each has stop()). Errors go to on_error,
    each camera frame to on_frame (the payment panel's preview)."""
    from terminal.errors import CameraError, ScannerError

    started: list[Any] = []
    devices = config.devices
    if devices.scanner == "serial":
        from drivers.serial_scanner import SerialScanner

        scanner = SerialScanner(devices.scanner_port, devices.scanner_baud, on_code,
                                on_error=lambda err: on_error(f"scanner: {err}"))
        try:
            scanner.start()
            started.append(scanner)
        except ScannerError as err:
            on_error(f"scanner {devices.scanner_port}: {err}")
    if camera_configured(devices):
        from drivers.capture_worker import CaptureWorker
        from drivers.codereader import ZbarCodeReader

        try:
            worker = CaptureWorker(open_camera(devices), ZbarCodeReader(), lambda d: on_code(d.text),
                                   on_error=lambda err: on_error(f"camera: {err}"), on_frame=on_frame)
            worker.start()
            started.append(worker)
        except CameraError as err:
            on_error(f"camera {devices.camera_source or 0}: {err}")
    return started


class KioskDevices:
    """What the kiosk's screens open on demand: the UI asks here instead of building drivers.

    Each call reads the config it is given (the terminal's as it is now), so nothing here goes stale.
    """

    def open_camera(self, devices: DeviceConfig) -> Camera:
        """The configured camera, not yet opened (it opens on the first read)."""
        return open_camera(devices)

    def frame_pump(self, devices: DeviceConfig, feed: FrameFeed) -> FramePump:
        """A thread (not started) that reads the configured camera into `feed` until stopped."""
        from drivers.frame_pump import FramePump

        return FramePump(lambda: open_camera(devices), feed)

    def face_engine(self) -> ProcessFaceEngine:
        """The face engine in a process of its own (dlib holds the GIL: in a thread it would stall the UI)."""
        from drivers.face_process import ProcessFaceEngine

        return ProcessFaceEngine()

    def face_identifier(self, config: Config, members: MemberService, engine: FaceEngine) -> FaceIdentifier:
        """The config's face-pay policy around `engine` and the members' gallery."""
        return build_identifier(config, members, engine)
