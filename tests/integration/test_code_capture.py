"""Code capture end to end: rendered frames, a synthesized video through the camera driver, a serial scanner
on a real pty."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from drivers.camera import CameraError, OpenCvCamera
from drivers.capture_worker import CaptureWorker
from drivers.codereader import ZbarCodeReader
from drivers.serial_scanner import LineSplitter, ScannerError, SerialScanner
from simulators.camera import empty_frame, run_camera_sim, synth_paycode_frame
from terminal.sales.catalog import load_catalog
from terminal.scanning.capture import Decoded

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PAY_CODES = ["101234567890123456", "2812345678901234", "6212345678901234567"]
ITEM_CODES = [i.barcode for i in load_catalog(None, "CNY") if i.barcode][:6]


def _reader() -> ZbarCodeReader:
    return ZbarCodeReader(sweep_every=0)  # the region finder alone must find every code here


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("code", PAY_CODES + ["EPM-00012345"])
def test_qr_from_noisy_blurred_rotated_frames(code: str, seed: int) -> None:
    frame = synth_paycode_frame(code, noise=8, blur=1.0, rotation_deg=[-5, -3, 0, 3, 5, 2][seed], seed=seed,
                                module_px=4 + seed % 4)
    assert _reader().decode(frame) == (Decoded(code, "qrcode"),)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("code", PAY_CODES)
def test_code128_from_noisy_blurred_rotated_frames(code: str, seed: int) -> None:
    frame = synth_paycode_frame(code, noise=8, blur=1.0, rotation_deg=[-3, -1, 0, 1, 3][seed], seed=seed,
                                symbology="code128", module_px=9)
    assert _reader().decode(frame) == (Decoded(code, "code128"),)


@pytest.mark.parametrize("code", ITEM_CODES)
def test_catalog_ean13_items_from_frames(code: str) -> None:
    frame = synth_paycode_frame(code, noise=6, blur=0.8, rotation_deg=2, seed=int(code[-4:]), symbology="ean13",
                                module_px=9)
    assert _reader().decode(frame) == (Decoded(code, "ean13"),)


def test_gray_and_bgra_frames_are_accepted() -> None:
    import cv2
    frame = synth_paycode_frame(PAY_CODES[0], seed=3)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    bgra = cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)
    assert _reader().decode(gray) == _reader().decode(bgra) == (Decoded(PAY_CODES[0], "qrcode"),)


@pytest.mark.parametrize("seed", range(20))
def test_empty_frames_give_nothing(seed: int) -> None:
    assert ZbarCodeReader(sweep_every=1).decode(empty_frame(seed=seed)) == ()


def test_blank_frames_give_nothing() -> None:
    reader = ZbarCodeReader(sweep_every=1)
    assert reader.decode(np.zeros((480, 640, 3), np.uint8)) == ()
    assert reader.decode(np.full((480, 640), 255, np.uint8)) == ()


def test_symbologies_are_restricted() -> None:
    frame = synth_paycode_frame(PAY_CODES[0], symbology="code128", module_px=9, seed=1)
    assert ZbarCodeReader(symbologies=("qrcode",)).decode(frame) == ()
    with pytest.raises(ValueError, match="unknown symbology"):
        ZbarCodeReader(symbologies=("pdf417",))


def _capture(source: str, window_s: float = 1.5) -> tuple[list[Decoded], list[Exception], CaptureWorker, set[str]]:
    got: list[Decoded] = []
    errors: list[Exception] = []
    threads: set[str] = set()

    def on_code(d: Decoded) -> None:
        threads.add(threading.current_thread().name)
        got.append(d)
    worker = CaptureWorker(OpenCvCamera(source), ZbarCodeReader(), on_code, errors.append, window_s=window_s)
    worker.start()
    assert worker.wait(60), "the capture worker did not reach the end of the video"
    worker.stop()
    return got, errors, worker, threads


@pytest.mark.parametrize("container", ["video.avi", "frames"])
def test_video_through_camera_and_worker_reports_each_code_once(tmp_path: Path, container: str) -> None:
    codes = PAY_CODES + ["EPM-00012345"]
    result = run_camera_sim(tmp_path / container, codes, repeat=6, gap=3)
    got, errors, worker, threads = _capture(str(result["source"]))
    assert [d.text for d in got] == codes
    assert errors == []
    stats = worker.stats()
    assert stats.frames == result["frames"] == len(codes) * 9 + 3
    assert stats.decodes >= 5 * len(codes) and stats.reported == len(codes)
    assert threads == {"capture"} and threading.current_thread().name not in threads


def test_code_counts_again_after_leaving_the_view(tmp_path: Path) -> None:
    # at 15 fps: 6 frames of A, 3 empty (0.2 s: same sighting), A again, 30 empty (2 s), A again
    script = ["A"] * 6 + [""] * 3 + ["A"] * 4 + [""] * 30 + ["A"] * 4
    from simulators.camera import write_frames
    frames = (synth_paycode_frame(PAY_CODES[0], seed=i) if s else empty_frame(seed=i) for i, s in enumerate(script))
    write_frames(frames, tmp_path / "v.avi", fps=15)
    got, errors, _, _ = _capture(str(tmp_path / "v.avi"))
    assert [d.text for d in got] == [PAY_CODES[0]] * 2 and errors == []


def test_camera_simulator_cli_output_opens_unchanged(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "simulators.camera", "--out", str(tmp_path / "cam.avi"),
                          "--code", PAY_CODES[1], "--code", PAY_CODES[2]], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    source = json.loads(out.stdout.strip().splitlines()[-1])["source"]
    got, errors, _, _ = _capture(source)
    assert [d.text for d in got] == PAY_CODES[1:] and errors == []


def test_camera_that_cannot_open_is_reported_through_the_callback(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="does not exist"):
        OpenCvCamera(str(tmp_path / "missing.avi")).read()
    errors: list[Exception] = []
    worker = CaptureWorker(OpenCvCamera("/dev/video-none"), ZbarCodeReader(), lambda d: None, errors.append)
    worker.start()
    assert worker.wait(10)
    worker.stop()
    assert len(errors) == 1 and isinstance(errors[0], CameraError) and "cannot open camera" in str(errors[0])
    assert worker.stats().errors == 1


def test_decode_bench_reports_the_figures() -> None:
    from bench.decode import run_decode_bench
    said: list[str] = []
    result = run_decode_bench(frames=4, say=said.append)
    assert {"code_present_ms", "no_code_ms", "decoded_ratio"} <= set(result)
    assert result["decoded_ratio"] == 1.0 and result["decoders"]["ours"]["no_code"]["false_positives"] == 0
    assert {"zxing_cpp", "opencv_qr", "zbar_full_qr"} <= set(result["decoders"])
    json.dumps(result)


# ---- serial scanner through a real pty, driven by the scanner simulator as a subprocess ----

def test_line_splitter_counts_a_split_crlf_once() -> None:
    s = LineSplitter()
    assert s.feed(b"AB\r") == ["AB"]
    assert s.feed(b"\nCD\n\nEF\r\r\n") == ["CD", "EF"]
    assert s.feed(b"\x02GH\x1b\x03") == [] and s.feed(b"\n") == ["GH"]


@pytest.fixture
def sim_procs() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(5)
        for stream in (p.stdin, p.stdout, p.stderr):
            if stream:
                stream.close()


def _start_sim(procs: list[subprocess.Popen[str]], *args: str) -> tuple[subprocess.Popen[str], str]:
    p = subprocess.Popen([sys.executable, "-m", "simulators.scanner", *args], cwd=ROOT, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(p)
    assert p.stdout is not None
    first = p.stdout.readline()
    assert first.startswith("pty: /dev/"), first
    return p, first.split(":", 1)[1].strip()


def _wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.02)


CODES = PAY_CODES + ["8930001234505", "EPM-00012345", "071234500789", "\x02101234567890123457\x03"]
EXPECTED = [c.strip("\x02\x03") for c in CODES]


@pytest.mark.parametrize("baud", [9600, 115200])
@pytest.mark.parametrize("suffix", ["cr", "lf", "crlf"])
def test_every_code_arrives_once_in_order(tmp_path: Path, sim_procs: list[subprocess.Popen[str]],
                                          suffix: str, baud: int) -> None:
    source = tmp_path / "codes.txt"
    source.write_text("".join(c + "\n" for c in CODES), encoding="utf-8")
    _, port = _start_sim(sim_procs, "--suffix", suffix, "--baud", str(baud), "--hold", str(source))
    got: list[str] = []
    errors: list[ScannerError] = []
    scanner = SerialScanner(port, baud=baud, on_error=errors.append)
    scanner.start(got.append)
    try:
        _wait_for(lambda: len(got) >= len(CODES))
        time.sleep(0.3)  # nothing more may arrive
        assert got == EXPECTED and errors == []
    finally:
        scanner.stop()


def test_codes_typed_on_stdin(sim_procs: list[subprocess.Popen[str]]) -> None:
    sim, port = _start_sim(sim_procs, "--suffix", "cr", "--baud", "19200")
    got: list[str] = []
    scanner = SerialScanner(port, baud=19200, on_code=got.append)
    scanner.start()
    try:
        assert sim.stdin is not None
        for code in PAY_CODES:
            sim.stdin.write(code + "\n")
            sim.stdin.flush()
            _wait_for(lambda: code in got, 5)  # noqa: B023 - waits here
        assert got == PAY_CODES
    finally:
        scanner.stop()


def test_wrong_baud_rate_gives_no_codes(tmp_path: Path, sim_procs: list[subprocess.Popen[str]]) -> None:
    source = tmp_path / "codes.txt"
    source.write_text(PAY_CODES[0] + "\n", encoding="utf-8")
    sim, port = _start_sim(sim_procs, "--baud", "115200", str(source))
    got: list[str] = []
    scanner = SerialScanner(port, baud=9600, on_code=got.append)
    scanner.start()
    try:
        assert sim.wait(10) == 0
    finally:
        scanner.stop()
    assert PAY_CODES[0] not in got
    assert sim.stderr is not None and "9600 baud" in sim.stderr.read()


def test_vanished_port_is_reported_through_the_callback(sim_procs: list[subprocess.Popen[str]]) -> None:
    sim, port = _start_sim(sim_procs, "--hold")
    errors: list[ScannerError] = []
    scanner = SerialScanner(port, on_code=lambda c: None, on_error=errors.append)
    scanner.start()
    try:
        time.sleep(0.2)
        sim.kill()
        sim.wait(5)
        _wait_for(lambda: bool(errors), 5)
        assert len(errors) == 1 and isinstance(errors[0], ScannerError)
        assert port in str(errors[0]) and "disappeared" in str(errors[0])
        _wait_for(lambda: not scanner.running, 2)
        assert not scanner.running
    finally:
        scanner.stop()


def test_port_that_cannot_open_raises_scanner_error(tmp_path: Path) -> None:
    with pytest.raises(ScannerError, match="cannot open scanner port"):
        SerialScanner(str(tmp_path / "ttyNONE"), on_code=lambda c: None).start()


def test_the_worker_publishes_every_frame_for_the_preview(tmp_path: Path) -> None:
    from terminal.scanning.frame_feed import FrameFeed

    result = run_camera_sim(tmp_path / "frames", PAY_CODES[:1], repeat=3, gap=1)
    feed, seen = FrameFeed(), []
    feed.watch(lambda frame: seen.append((frame.index, threading.current_thread().name)))
    worker = CaptureWorker(OpenCvCamera(str(result["source"])), ZbarCodeReader(), lambda d: None,
                           on_frame=feed.publish)
    worker.start()
    assert worker.wait(60)
    worker.stop()
    assert [i for i, _ in seen] == list(range(result["frames"])) and {t for _, t in seen} == {"capture"}
    latest = feed.latest()
    assert latest is not None and latest.image.shape[2] == 3 and worker.stats().reported == 1
