"""Virtual camera: synthesized payment-code frames, or frames from images/video, written as a directory or .avi."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np

from simulators.symbols import render_symbol
from terminal.face.images import DEFAULT_MAX_IMAGE_PIXELS, check_pixels, image_size

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
MAX_PIXELS_OPTION = "--max-pixels"


def busy_scene(size: tuple[int, int] = (640, 480), seed: int = 0) -> np.ndarray:
    """A code-free but busy BGR scene: a shaded counter, shapes, lines and printed text."""
    rng = np.random.default_rng(seed)
    w, h = size
    ramp = np.linspace(60, 180, w, dtype=np.float32)[None, :] + np.linspace(0, 40, h, dtype=np.float32)[:, None]
    img = np.dstack([ramp * f for f in rng.uniform(0.7, 1.1, 3)]).clip(0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(6, 12))):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(20, 160)), y + int(rng.integers(20, 120))), color, -1)
        elif kind == 1:
            cv2.circle(img, (x, y), int(rng.integers(10, 70)), color, -1)
        else:
            cv2.line(img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), color, int(rng.integers(1, 5)))
    for _ in range(int(rng.integers(2, 5))):
        words = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(4, 14))))
        org = (int(rng.integers(0, w - 100)), int(rng.integers(20, h)))
        cv2.putText(img, words, org, cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.5, 1.2)),
                    tuple(int(c) for c in rng.integers(0, 256, 3)), 2)
    return img


def _rotate_white(symbol: np.ndarray, degrees: float) -> np.ndarray:
    h, w = symbol.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(symbol, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def degrade(frame: np.ndarray, noise: float, blur: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian blur (sigma in px) then Gaussian sensor noise (sigma in grey levels)."""
    if blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    if noise > 0:
        frame = (frame + rng.normal(0, noise, frame.shape)).clip(0, 255).astype(np.uint8)
    return frame


def synth_paycode_frame(code: str, size: tuple[int, int] = (640, 480), noise: float = 6.0, blur: float = 0.8,
                        rotation_deg: float = 4.0, seed: int = 0, symbology: str = "qrcode",
                        module_px: int | None = None) -> np.ndarray:
    """A BGR frame of a busy scene with `code` shown as QR / Code 128 / EAN-13, blurred, noisy and rotated."""
    rng = np.random.default_rng(seed)
    frame = busy_scene(size, seed)
    px = module_px or int(rng.integers(5, 8) if symbology == "qrcode" else rng.integers(6, 10))
    symbol = _rotate_white(render_symbol(code, symbology, px), rotation_deg)
    sh, sw = symbol.shape
    w, h = size
    if sw > w or sh > h:
        raise ValueError(f"a {sw}x{sh} symbol does not fit a {w}x{h} frame: use a smaller module_px")
    x, y = int(rng.integers(0, w - sw + 1)), int(rng.integers(0, h - sh + 1))
    frame[y:y + sh, x:x + sw] = symbol[:, :, None]
    return degrade(frame, noise, blur, rng)


def empty_frame(size: tuple[int, int] = (640, 480), noise: float = 6.0, blur: float = 0.8, seed: int = 0) -> np.ndarray:
    """A busy scene with no code in it, degraded like synth_paycode_frame."""
    return degrade(busy_scene(size, seed), noise, blur, np.random.default_rng(seed))


def frames_from(paths: Sequence[Path], max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> Iterator[np.ndarray]:
    """Frames read from image files and video files, in order; each file's size is checked before decoding."""
    for path in paths:
        if path.suffix.lower() in IMAGE_SUFFIXES:
            image_size(path, max_pixels, MAX_PIXELS_OPTION)   # PIL reads the header only; cv2 would decode it all
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise ValueError(f"cannot read image {path}")
            yield image
            continue
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            raise ValueError(f"cannot open video {path}")
        try:
            width, height = (int(cap.get(p)) for p in (cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT))
            check_pixels(width, height, max_pixels, str(path), MAX_PIXELS_OPTION)
            ok, image = cap.read()
            while ok:
                yield image
                ok, image = cap.read()
        finally:
            cap.release()


def synth_sequence(codes: Sequence[str], repeat: int = 5, gap: int = 3, size: tuple[int, int] = (640, 480),
                   symbology: str = "qrcode", seed: int = 0) -> Iterator[np.ndarray]:
    """Each code shown in `repeat` consecutive frames (jittered), separated by `gap` code-free frames."""
    n = 0
    for code in codes:
        for _ in range(gap):
            n += 1
            yield empty_frame(size, seed=seed + n)
        for i in range(repeat):
            n += 1
            yield synth_paycode_frame(code, size, rotation_deg=(i % 5) - 2.0, seed=seed + n, symbology=symbology,
                                      module_px=6 if symbology == "qrcode" else 8)
    for _ in range(gap):
        n += 1
        yield empty_frame(size, seed=seed + n)


def write_frames(frames: Iterable[np.ndarray], out: Path, fps: float = 15.0, size: tuple[int, int] = (640, 480)) -> int:
    """Write frames to `out`: an .avi (MJPG) video, or a directory of frame-NNNNN.png; returns the count."""
    writer = None
    if out.suffix.lower() == ".avi":
        out.parent.mkdir(parents=True, exist_ok=True)
        writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
        if not writer.isOpened():
            raise OSError(f"cannot write video {out}")
    else:
        out.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        for frame in frames:
            if frame.shape[1::-1] != size:
                frame = cv2.resize(frame, size)
            if writer is not None:
                writer.write(frame)
            elif not cv2.imwrite(str(out / f"frame-{count:05d}.png"), frame):
                raise OSError(f"cannot write {out}/frame-{count:05d}.png")
            count += 1
    finally:
        if writer is not None:
            writer.release()
    return count


def camera_source(out: Path) -> str:
    """The source string OpenCvCamera opens for what write_frames wrote to `out`."""
    return str(out) if out.suffix.lower() == ".avi" else str(out / "frame-%05d.png")


def run_camera_sim(out: Path, codes: Sequence[str] = (), inputs: Sequence[Path] = (), repeat: int = 5, gap: int = 3,
                   symbology: str = "qrcode", fps: float = 15.0, seed: int = 0,
                   max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> dict[str, object]:
    """Write frames from `inputs` (images/videos) or synthesized code frames; returns what to configure."""
    frames = (frames_from(inputs, max_pixels) if inputs
              else synth_sequence(codes, repeat, gap, symbology=symbology, seed=seed))
    count = write_frames(frames, out, fps)
    return {"frames": count, "source": camera_source(out)}


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: python -m simulators.camera --out DIR|FILE.avi (--code C ... | --input PATH ...)."""
    p = argparse.ArgumentParser(prog="edgepos sim camera", description=__doc__)
    p.add_argument("--out", type=Path, required=True, help="a directory for PNG frames, or a .avi file")
    p.add_argument("--code", action="append", default=[], help="a code to show (repeatable)")
    p.add_argument("--input", action="append", type=Path, default=[], help="an image or video file (repeatable)")
    p.add_argument("--symbology", choices=("qrcode", "code128", "ean13"), default="qrcode")
    p.add_argument("--repeat", type=int, default=5, help="frames per code")
    p.add_argument("--gap", type=int, default=3, help="empty frames between codes")
    p.add_argument("--fps", type=float, default=15.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(MAX_PIXELS_OPTION, type=int, default=DEFAULT_MAX_IMAGE_PIXELS,
                   help="refuse input images and videos larger than this many pixels (a frame), before decoding")
    args = p.parse_args(argv)
    if not args.code and not args.input:
        p.error("give at least one --code or --input")
    try:
        result = run_camera_sim(args.out, args.code, args.input, args.repeat, args.gap, args.symbology,
                                args.fps, args.seed, args.max_pixels)
    except (OSError, ValueError) as err:
        print(f"sim camera: {err}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
