"""Camera read + decode in a background thread; each code reported once per sighting through a callback."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from terminal.errors import CameraError, EndOfStream
from terminal.ports import Camera, CodeReader
from terminal.scanning.capture import CameraFrame, Decoded, Deduper

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaptureStats:
    """Counters of one worker: frames read, codes decoded (before de-duplication), codes reported, errors."""

    frames: int
    decodes: int
    reported: int
    errors: int
    decode_ms_total: float


class CaptureWorker:
    """Runs camera.read() and reader.decode() off the UI thread; on_code/on_error are called from that thread."""

    def __init__(self, camera: Camera, reader: CodeReader, on_code: Callable[[Decoded], None],
                 on_error: Callable[[Exception], None] | None = None, window_s: float = 1.5,
                 on_end: Callable[[], None] | None = None,
                 on_frame: Callable[[CameraFrame], None] | None = None) -> None:
        self.camera, self.reader, self.on_frame = camera, reader, on_frame
        self.on_code, self.on_error, self.on_end = on_code, on_error, on_end
        self.deduper = Deduper(window_s)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._frames = self._decodes = self._reported = self._errors = 0
        self._decode_ms = 0.0

    def start(self) -> None:
        """Start the capture thread (once)."""
        if self._thread is not None:
            raise RuntimeError("this capture worker was already started")
        self._thread = threading.Thread(target=self._run, name="capture", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop, wait for it, and release the camera."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.camera.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the thread has ended (end of a file, an error or stop); True if it has."""
        return self._done.wait(timeout)

    @property
    def running(self) -> bool:
        """True while the capture thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def stats(self) -> CaptureStats:
        """A snapshot of the counters."""
        with self._lock:
            return CaptureStats(self._frames, self._decodes, self._reported, self._errors, self._decode_ms)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    frame = self.camera.read()
                except EndOfStream:
                    if self.on_end is not None:
                        self.on_end()
                    return
                if self.on_frame is not None:
                    self.on_frame(frame)   # a preview; it only keeps the frame, the decode goes on here
                t0 = time.perf_counter()
                found = self.reader.decode(frame.image)
                ms = (time.perf_counter() - t0) * 1000
                fresh = self.deduper.fresh([d.text for d in found], frame.timestamp_s)
                with self._lock:
                    self._frames += 1
                    self._decodes += len(found)
                    self._reported += len(fresh)
                    self._decode_ms += ms
                by_text = {d.text: d for d in found}
                for text in fresh:
                    self._deliver(by_text[text])
        except CameraError as err:
            self._fail(err)
        except Exception as err:  # a decoder or callback bug must not die silently in a thread
            log.exception("capture worker stopped")
            self._fail(err)
        finally:
            self._done.set()

    def _deliver(self, decoded: Decoded) -> None:
        try:
            self.on_code(decoded)
        except Exception as err:
            log.exception("on_code callback failed")
            self._fail(err, fatal=False)

    def _fail(self, err: Exception, fatal: bool = True) -> None:
        with self._lock:
            self._errors += 1
        if self.on_error is not None:
            try:
                self.on_error(err)
            except Exception:
                log.exception("on_error callback failed")
        elif fatal:
            log.error("capture stopped: %s", err)
