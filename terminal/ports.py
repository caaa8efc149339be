"""What the terminal needs from the edge, as Protocols; drivers/ and simulators/ implement them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from terminal.sales.receipts import Receipt
from terminal.scanning.capture import CameraFrame, Decoded

if TYPE_CHECKING:  # numpy only for the annotations: importing the ports stays cheap
    import numpy as np
    import numpy.typing as npt

    from terminal.face.types import FaceAnalysis, Landmarks


@runtime_checkable
class Clock(Protocol):
    """Tells the time, in UTC."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return datetime.now(UTC)


@runtime_checkable
class Printer(Protocol):
    """A receipt printer; raises PrinterError when it cannot print."""

    def print_receipt(self, receipt: Receipt) -> str:
        """Print a receipt; returns where it went (a device or a file path)."""
        ...

    def status(self) -> str:
        """'ready', or what is wrong in words a cashier understands."""
        ...

    def close(self) -> None:
        """Release what the printer holds (a port, a helper process); the terminal calls it once, on exit."""
        ...


@runtime_checkable
class Scanner(Protocol):
    """A barcode scanner that delivers each decoded text to a callback, from its own thread; raises ScannerError."""

    def start(self, on_code: Callable[[str], None]) -> None:
        """Begin delivering codes."""
        ...

    def stop(self) -> None:
        """Stop delivering codes and release the device."""
        ...


@runtime_checkable
class Outbox(Protocol):
    """Events waiting to reach the cloud, in seq order."""

    def pending_count(self) -> int:
        """How many events are not yet acknowledged by the backend."""
        ...


@runtime_checkable
class Camera(Protocol):
    """A source of frames; raises terminal.errors.CameraError when it cannot open or stops giving frames."""

    def read(self) -> CameraFrame:
        """The next frame, blocking until it arrives."""
        ...

    def close(self) -> None:
        """Release the device or file."""
        ...


@runtime_checkable
class CodeReader(Protocol):
    """Finds and decodes the codes (QR, Code 128, EAN-13) in one frame image."""

    def decode(self, image: Any) -> tuple[Decoded, ...]:
        """Every code found in the image, in no particular order; empty when there is none."""
        ...


@runtime_checkable
class FaceEngine(Protocol):
    """Finds the customer's face in an RGB frame; slow (about 0.1 s a frame): call it off the UI thread.

    Raises terminal.face.types.FaceEngineError when the library is unusable or the image is not RGB uint8.
    """

    def analyze(self, image: npt.NDArray[np.uint8]) -> FaceAnalysis:
        """The one usable face with its 128-d encoding, or a status and reason saying why there is none."""
        ...

    def landmarks(self, image: npt.NDArray[np.uint8]) -> Landmarks | None:
        """The chosen face's landmarks without an encoding (the cheap path for liveness); None when no face."""
        ...
