"""`edgepos bench decode`: ms per 640x480 frame for our capture path, with and without a payment code,
vs zxing-cpp and OpenCV."""
from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from drivers.codereader import ZbarCodeReader, to_gray
from simulators.camera import empty_frame, synth_paycode_frame

Decoder = Callable[[np.ndarray], list[str]]


def make_frames(n: int, seed: int = 7) -> tuple[list[np.ndarray], list[str], list[np.ndarray]]:
    """n BGR frames each showing a random WeChat-like code (10 + 16 digits) as QR, their codes, n code-free frames."""
    rng = np.random.default_rng(seed)
    codes = ["10" + "".join(str(d) for d in rng.integers(0, 10, 16)) for _ in range(n)]
    present = [synth_paycode_frame(code, noise=float(rng.uniform(3, 8)), blur=float(rng.uniform(0.5, 1.3)),
                                   rotation_deg=float(rng.uniform(-6, 6)), seed=seed * 100_000 + i)
               for i, code in enumerate(codes)]
    empty = [empty_frame(noise=float(rng.uniform(3, 8)), blur=float(rng.uniform(0.5, 1.3)), seed=seed * 100_000 + n + i)
             for i in range(n)]
    return present, codes, empty


def _ours() -> Decoder:
    reader = ZbarCodeReader()
    return lambda frame: [d.text for d in reader.decode(frame)]


def _zbar_full(symbols: Sequence[ZBarSymbol] | None) -> Decoder:
    return lambda frame: [r.data.decode() for r in zbar_decode(to_gray(frame), symbols=symbols)]


def _zxing() -> Decoder | None:
    try:
        import zxingcpp
    except ImportError:
        return None
    fmt = zxingcpp.BarcodeFormat
    formats = [fmt.QRCode, fmt.Code128, fmt.EAN13]
    read: Callable[..., Any] = zxingcpp.read_barcodes  # formats as a list: `|` on formats is deprecated
    return lambda frame: [r.text for r in read(to_gray(frame), formats=formats)]


def _opencv_qr() -> Decoder:
    detector = cv2.QRCodeDetector()

    def decode(frame: np.ndarray) -> list[str]:
        text, _, _ = detector.detectAndDecode(to_gray(frame))
        return [text] if text else []
    return decode


def _measure(decode: Decoder, frames: list[np.ndarray], truth: list[str] | None) -> dict[str, Any]:
    times, hits, false_hits = [], 0, 0
    for i, frame in enumerate(frames):
        t0 = time.perf_counter()
        texts = decode(frame)
        times.append((time.perf_counter() - t0) * 1000)
        if truth is None:
            false_hits += bool(texts)
        elif truth[i] in texts:
            hits += 1
    times.sort()
    out: dict[str, Any] = {"median_ms": round(statistics.median(times), 2),
                           "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
                           "mean_ms": round(statistics.fmean(times), 2)}
    if truth is None:
        out["false_positives"] = false_hits
    else:
        out["decoded_ratio"] = round(hits / len(frames), 3)
    return out


def run_decode_bench(frames: int = 200, say: Callable[[str], None] = print, seed: int = 7) -> dict[str, Any]:
    """Synthesize frames, time every decoder on the same frames; returns JSON-ready figures."""
    say(f"synthesizing {frames} frames with a payment-code QR and {frames} without (640x480)...")
    present, codes, empty = make_frames(frames, seed)
    decoders: dict[str, Decoder | None] = {
        "ours": _ours(),
        "zbar_full_qr": _zbar_full([ZBarSymbol.QRCODE]),
        "zbar_full_qr_code128_ean13": _zbar_full([ZBarSymbol.QRCODE, ZBarSymbol.CODE128, ZBarSymbol.EAN13]),
        "zxing_cpp": _zxing(),
        "opencv_qr": _opencv_qr(),
    }
    results: dict[str, Any] = {}
    for name, decode in decoders.items():
        if decode is None:
            results[name] = {"skipped": "not installed"}
            continue
        decode(present[0])  # warm up (allocations, lazy init)
        with_code = _measure(decode, present, codes)
        without = _measure(decode, empty, None)
        results[name] = {"code_present": with_code, "no_code": without}
        say(f"{name:28s} code present: median {with_code['median_ms']:6.2f} ms p95 {with_code['p95_ms']:6.2f} ms "
            f"decoded {with_code['decoded_ratio']:.1%} | no code: median {without['median_ms']:6.2f} ms "
            f"p95 {without['p95_ms']:6.2f} ms false {without['false_positives']}")
    ours = results["ours"]
    return {
        "bench": "decode",
        "frames": frames,
        "frame_size": [640, 480],
        "cpus": os.cpu_count(),
        "opencv_threads": cv2.getNumThreads(),
        "code_present_ms": ours["code_present"]["median_ms"],
        "code_present_p95_ms": ours["code_present"]["p95_ms"],
        "no_code_ms": ours["no_code"]["median_ms"],
        "no_code_p95_ms": ours["no_code"]["p95_ms"],
        "decoded_ratio": ours["code_present"]["decoded_ratio"],
        "goal_met": ours["code_present"]["median_ms"] <= 8 and ours["no_code"]["median_ms"] <= 3,
        "decoders": results,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench (optional first argument: frames per set); the JSON figures are the last line."""
    args = list(argv) if argv is not None else []
    frames = int(args[0]) if args else 200
    print(json.dumps(run_decode_bench(frames, say=print)))
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
