"""A disk full at first start, on a real full filesystem (a 2 MiB tmpfs): the terminal key cannot be written.

Every entry point says what happened, which file and what to do, with no traceback, and leaves no
temporary key file behind; once space is freed the same command makes the key and works.
"""
from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_members_cli import edgepos


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A mounted 2 MiB tmpfs, filled to the last byte by the file `filler`."""
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("the disk-full test needs root (to mount a tmpfs); CI must run it")
        pytest.skip("needs root to mount a tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        with (mount / "filler").open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
            except OSError as err:
                assert err.errno == errno.ENOSPC
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_first_start_on_a_full_disk_is_one_clear_error_and_leaves_no_temp_key(full_disk: Path,
                                                                                tmp_path: Path) -> None:
    from terminal.config.settings import default_config_text
    config = tmp_path / "edgepos.toml"          # the config lives elsewhere: only the key has no room
    config.write_text(default_config_text(), encoding="utf-8")
    data = full_disk / "var"
    base = ("--config", str(config), "--data-dir", str(data))
    keys = data / "keys"
    for command in (["members", "list"], ["members", "list"], ["demo"], ["doctor"], ["kiosk", "--exit-after", "1"]):
        result = edgepos(*base, *command, cwd=tmp_path)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        line = result.stderr.strip().splitlines()[-1]
        assert line.startswith("edgepos: error: "), (command, result.stderr)
        assert str(keys / "terminal.key") in line and "no space left" in line.lower(), line
        assert "free" in line and "space" in line, line                          # what to do
        assert sorted(p.name for p in keys.iterdir()) == [], (command, list(keys.iterdir()))

    (full_disk / "filler").unlink()                                               # the technician frees space
    fixed = edgepos(*base, "members", "list", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert [p.name for p in keys.iterdir()] == ["terminal.key"]
    assert len(bytes.fromhex((keys / "terminal.key").read_text())) == 32


def test_first_enrolment_on_a_full_disk_is_a_clear_error_and_leaves_no_temp_key(full_disk: Path,
                                                                               tmp_path: Path) -> None:
    import numpy as np

    from terminal.app.bootstrap import open_members
    from terminal.config.settings import load_config
    from terminal.errors import EdgeposError
    (full_disk / "filler").unlink()
    data = full_disk / "var"
    added = edgepos("--data-dir", str(data), "members", "add", "--name", "Lan", "--phone", "+8613812345678",
                    "--face-consent", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    member = json.loads(added.stdout)["member_id"]
    db, svc, _coupons = open_members(load_config(data / "edgepos.toml"), data)
    try:
        # full again, the face key not made yet
        with (full_disk / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
            while True:
                filler.write(b"\0" * 65536)
        with pytest.raises(EdgeposError) as caught:
            svc.enroll_templates(member, [np.full(128, 0.5, np.float32)])
    finally:
        db.close()
    message = str(caught.value)
    assert str(data / "keys" / "face.key") in message and "no space left" in message.lower(), message
    assert "free" in message and "space" in message, message
    assert sorted(p.name for p in (data / "keys").iterdir()) == ["terminal.key"]
