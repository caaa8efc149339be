"""`edgepos face enroll|identify` as real subprocesses on the fixture faces (face_recognition, dlib)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_members_cli import edgepos

FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return edgepos("--data-dir", str(tmp_path / "var"), *args, cwd=tmp_path)


def out(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def enrolled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A data dir with one member enrolled from obama.jpg."""
    tmp_path = tmp_path_factory.mktemp("face")
    member = out(run(tmp_path, "members", "add", "--name", "Barack", "--phone", "+12025550143",
                     "--face-consent"))["member_id"]
    result = out(run(tmp_path, "face", "enroll", str(member), str(FACES / "obama.jpg")))
    assert result == {"member_id": member, "enrolled": 1, "refused": []}
    return tmp_path, str(member)


def test_the_same_person_is_identified(enrolled: tuple[Path, str]) -> None:
    tmp_path, member = enrolled
    found = out(run(tmp_path, "face", "identify", str(FACES / "obama2.jpg")))
    assert found["decision"] == "match" and found["member_id"] == member
    assert isinstance(found["distance"], float) and found["distance"] <= 0.5
    assert found["second_distance"] is None                     # nobody else enrolled
    assert found["liveness"] == "skipped" and "never authorises a payment" in str(found["note"])


def test_someone_else_is_no_match(enrolled: tuple[Path, str]) -> None:
    found = out(run(enrolled[0], "face", "identify", str(FACES / "biden.jpg")))
    assert found["decision"] == "no_match" and found["member_id"] is None
    assert isinstance(found["distance"], float) and found["distance"] > 0.5


def test_a_partial_face_is_refused_with_a_reason(enrolled: tuple[Path, str]) -> None:
    found = out(run(enrolled[0], "face", "identify", str(FACES / "obama_partial_face.jpg")))
    assert found["decision"] == "partial_face" and found["member_id"] is None
    assert "partly outside" in str(found["reason"])


def test_an_image_without_a_face(enrolled: tuple[Path, str]) -> None:
    gradient = np.tile(np.linspace(0, 255, 640, dtype=np.uint8), (480, 1))
    path = enrolled[0] / "wall.png"
    Image.fromarray(np.dstack([gradient] * 3)).save(path)
    found = out(run(enrolled[0], "face", "identify", str(path)))
    assert found["decision"] == "no_face" and found["member_id"] is None and found["distance"] is None


def test_enrol_refuses_faces_it_cannot_use_and_names_them(enrolled: tuple[Path, str]) -> None:
    tmp_path, member = enrolled
    result = run(tmp_path, "face", "enroll", member, str(FACES / "obama_partial_face.jpg"))
    assert result.returncode == 1
    refused = json.loads(result.stdout)["refused"]
    assert refused[0]["status"] == "partial_face" and refused[0]["file"].endswith("obama_partial_face.jpg")


def test_unreadable_image_and_unknown_member_are_clear_errors(enrolled: tuple[Path, str]) -> None:
    tmp_path, _member = enrolled
    bad = run(tmp_path, "face", "identify", str(Path(__file__)))
    assert bad.returncode == 1 and "not a readable image" in bad.stderr and len(bad.stderr.splitlines()) == 1
    unknown = run(tmp_path, "face", "enroll", "f" * 32, str(FACES / "obama.jpg"))
    assert unknown.returncode == 1 and "edgepos: error:" in unknown.stderr


def test_a_corrupted_key_file_is_a_clear_error(tmp_path: Path) -> None:
    member = out(run(tmp_path, "members", "add", "--name", "Barack", "--phone", "+12025550143",
                     "--face-consent"))["member_id"]
    out(run(tmp_path, "face", "enroll", str(member), str(FACES / "obama.jpg")))
    key = tmp_path / "var" / "keys" / "face.key"
    key.write_bytes(b"not a fernet key")
    result = run(tmp_path, "face", "identify", str(FACES / "obama2.jpg"))
    assert result.returncode == 1 and str(key) in result.stderr
    assert "Traceback" not in result.stderr


def test_enrol_without_consent_names_the_command_that_records_it(tmp_path: Path) -> None:
    member = str(out(run(tmp_path, "members", "add", "--name", "Joe", "--phone", "+12025550188"))["member_id"])
    refused = run(tmp_path, "face", "enroll", member, str(FACES / "obama.jpg"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    hint = f"edgepos members consent {member} --face"
    assert hint in refused.stderr, refused.stderr
    assert out(run(tmp_path, *hint.split()[1:]))["consent_face_at"]            # the hint, as printed, works
    assert out(run(tmp_path, "face", "enroll", member, str(FACES / "obama.jpg")))["enrolled"] == 1
