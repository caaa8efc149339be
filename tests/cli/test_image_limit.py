"""Images over the pixel limit are refused from their header, before any decoding: the face CLI (identify and
enroll), the face engine, and the camera simulator. The big PNGs are 1-bit and all black, so the files stay small."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_members_cli import edgepos

try:
    from tests.support.cli import edgepos_command
except ModuleNotFoundError:  # `pytest` rather than `python -m pytest`: only tests/ itself is on sys.path
    from support.cli import edgepos_command  # type: ignore[no-redef, import-not-found, unused-ignore]

MB = 1024  # ru_maxrss is in KiB on Linux
DECODED_190MP_KB = 190_000_000 * 3 // 1024  # what an RGB decode of the 190 MP image would take alone


def big_png(path: Path, width: int, height: int) -> Path:
    """A 1-bit greyscale PNG of width x height black pixels, streamed row by row (no big buffer in memory)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes((width + 7) // 8)            # filter byte "none", then the packed bits
    packer, block = zlib.compressobj(9), row * 512
    idat = bytearray()
    for start in range(0, height, 512):
        idat += packer.compress(block if start + 512 <= height else row * (height - start))
    idat += packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(idat))
                     + chunk(b"IEND", b""))
    assert path.stat().st_size < 200_000, "the test image must stay a small file"
    return path


def measured(command: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run a command; its result and its own peak memory (KiB), from wait4 on that child alone."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    out, err = cwd / "measured.out", cwd / "measured.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return subprocess.CompletedProcess(command, proc.returncode, out.read_text(encoding="utf-8"),
                                       err.read_text(encoding="utf-8")), usage.ru_maxrss


def cli(tmp_path: Path, *args: str) -> list[str]:
    return edgepos_command("--data-dir", str(tmp_path / "var"), *args)


def assert_refused(result: subprocess.CompletedProcess[str], path: Path, pixels: str, limit: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    line = result.stderr.strip().splitlines()[-1]     # the line before it, if any, says a default config was written
    assert line.startswith("edgepos: error: ") and str(path) in line and pixels in line and limit in line, line
    assert "max_image_pixels" in line, line                                          # what to change


def test_identify_refuses_a_190_megapixel_png_without_decoding_it(tmp_path: Path) -> None:
    path = big_png(tmp_path / "huge.png", 13_784, 13_784)          # 190 MP; PIL itself calls this a bomb
    result, peak_kb = measured(cli(tmp_path, "face", "identify", str(path)), tmp_path)
    assert_refused(result, path, "189998656 pixels", "24000000")      # past PIL's bomb limit: the count, no WxH
    assert peak_kb < 300 * MB < DECODED_190MP_KB, f"peak {peak_kb // MB} MB: the image was decoded"


def test_identify_and_enroll_refuse_a_50_megapixel_png_without_decoding_it(tmp_path: Path) -> None:
    path = big_png(tmp_path / "big.png", 8_000, 6_250)             # 50 MP: under PIL's own limit, over ours
    result, peak_kb = measured(cli(tmp_path, "face", "identify", str(path)), tmp_path)
    assert_refused(result, path, "8000x6250", "24000000")
    assert peak_kb < 300 * MB, f"peak {peak_kb // MB} MB: the image was decoded"

    added = edgepos("--data-dir", str(tmp_path / "var"), "members", "add", "--name", "Lan", "--phone",
                    "+8613812345678", "--face-consent", cwd=tmp_path)
    member = json.loads(added.stdout)["member_id"]
    result, peak_kb = measured(cli(tmp_path, "face", "enroll", member, str(path)), tmp_path)
    assert_refused(result, path, "8000x6250", "24000000")
    assert peak_kb < 300 * MB, f"peak {peak_kb // MB} MB: the image was decoded"
    listed = edgepos("--data-dir", str(tmp_path / "var"), "members", "list", "--json", cwd=tmp_path)
    assert json.loads(listed.stdout)[0]["templates"] == 0


def test_the_limit_is_the_config_key_face_max_image_pixels(tmp_path: Path) -> None:
    assert edgepos("--data-dir", str(tmp_path / "var"), "members", "list", cwd=tmp_path).returncode == 0
    config = tmp_path / "var" / "edgepos.toml"
    text = config.read_text(encoding="utf-8")
    assert "max_image_pixels = 24000000" in text                     # the shipped default says it
    config.write_text(text.replace("max_image_pixels = 24000000", "max_image_pixels = 100000"), encoding="utf-8")
    small = tmp_path / "vga.png"
    Image.fromarray(np.zeros((480, 640, 3), np.uint8)).save(small)
    result = edgepos("--data-dir", str(tmp_path / "var"), "face", "identify", str(small), cwd=tmp_path)
    assert_refused(result, small, "640x480", "100000")

    config.write_text(text.replace("max_image_pixels = 24000000", "max_image_pixels = 0"), encoding="utf-8")
    bad = edgepos("--data-dir", str(tmp_path / "var"), "face", "identify", str(small), cwd=tmp_path)
    assert bad.returncode == 1 and "[face] max_image_pixels" in bad.stderr and str(config) in bad.stderr


def test_the_face_engine_refuses_a_frame_over_its_limit() -> None:
    from drivers.face_engine import FaceRecognitionEngine
    from terminal.face.types import FaceEngineError
    engine = FaceRecognitionEngine(max_pixels=100_000)
    with pytest.raises(FaceEngineError, match=r"640x480 .*100000"):
        engine.analyze(np.zeros((480, 640, 3), np.uint8))
    with pytest.raises(FaceEngineError, match=r"640x480 .*100000"):
        engine.landmarks(np.zeros((480, 640, 3), np.uint8))


def test_the_camera_simulator_refuses_big_images_and_videos_before_decoding(tmp_path: Path) -> None:
    path = big_png(tmp_path / "huge.png", 13_784, 13_784)
    sim = [sys.executable, "-m", "simulators.camera", "--out", str(tmp_path / "frames")]
    result, peak_kb = measured(sim + ["--input", str(path)], tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("sim camera: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(path) in result.stderr and "189998656 pixels" in result.stderr and "24000000" in result.stderr
    assert peak_kb < 300 * MB, f"peak {peak_kb // MB} MB: the image was decoded"
    assert not list((tmp_path / "frames").glob("*.png"))

    from simulators.camera import empty_frame, write_frames
    video = tmp_path / "clip.avi"
    assert write_frames([empty_frame(seed=i) for i in range(3)], video) == 3
    refused, _ = measured(sim + ["--input", str(video), "--max-pixels", "100000"], tmp_path)
    assert refused.returncode == 1 and str(video) in refused.stderr and "640x480" in refused.stderr, refused.stderr
    allowed, _ = measured(sim + ["--input", str(video)], tmp_path)
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["frames"] == 3, allowed.stderr
