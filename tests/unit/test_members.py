"""Members on a real SQLite file: phones, consent, encrypted face templates, deletion, cards, member/1 events."""
from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from terminal.app.bootstrap import Terminal
from terminal.errors import ConfigError, ConsentError, FaceKeyError, MemberError, PhoneError
from terminal.face.vault import FaceVault
from terminal.link.events import verify_envelope
from terminal.members.codes import make_card, mask_phone, normalize_phone, phone_last4
from terminal.members.service import MIN_CAMERA_FRAMES, MemberService
from terminal.sales.money import Money
from terminal.scanning.capture import route

PHONE = "+8613812345678"


def svc(t: Terminal) -> MemberService:
    assert t.members is not None
    return t.members


def encodings(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 0.1, 128).astype(np.float32) for _ in range(n)]


def envelopes(t: Terminal) -> list[dict[str, Any]]:
    return [json.loads(r.envelope) for r in t.outbox.pending()]


def key_path(t: Terminal) -> Path:
    return t.data_dir / "keys" / "face.key"


@pytest.mark.parametrize("typed, e164", [
    ("+86 138 1234 5678", PHONE), ("0086-138-1234-5678", PHONE), ("+1 (415) 555.2671", "+14155552671"),
    ("+84901234567", "+84901234567")])
def test_phones_are_normalised_to_e164(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164
    assert mask_phone(e164) == "****" + e164[-4:] and phone_last4(e164) == e164[-4:]


@pytest.mark.parametrize("bad", ["13812345678", "+0861381234", "+86 138 abcd 5678", "+861234", "+8613812345678901",
                                 ""])
def test_a_bad_phone_is_a_value_error_naming_the_format(bad: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_phone(bad)
    assert isinstance(info.value, ValueError)
    assert "+8613812345678" in str(info.value) and "international" in str(info.value)


def test_add_find_list_delete(term: Terminal) -> None:
    members = svc(term)
    lan = members.add("Lan  Nguyen ", "+86 138 1234 5678", face_consent=True, marketing_consent=True)
    assert (lan.name, lan.phone, lan.points) == ("Lan Nguyen", PHONE, 0)
    assert lan.consent_face_at and lan.consent_marketing_at and lan.face_pay_opt_in
    assert lan.display_name == "Lan" and lan.masked_phone == "****5678"
    assert PHONE not in repr(lan) and "5678" not in repr(lan)
    minh = members.add("", "+84 90 123 4567", face_consent=False)
    assert minh.consent_face_at is None and minh.consent_marketing_at is None and not minh.face_pay_opt_in
    assert minh.display_name == "Member ****4567"
    assert members.find_by_phone("0086 13812345678") == lan
    assert members.find_by_phone("+442079460000") is None
    assert members.get(minh.id) == minh
    assert [m.id for m in members.list()] == [lan.id, minh.id]
    assert members.delete(lan.id) == 0
    assert [m.id for m in members.list()] == [minh.id]
    with pytest.raises(MemberError, match="no member"):
        members.get(lan.id)


def test_a_phone_belongs_to_one_member(term: Terminal) -> None:
    svc(term).add("Lan", PHONE, face_consent=False)
    with pytest.raises(MemberError, match=r"\*\*\*\*5678 already belongs to a member") as info:
        svc(term).add("Someone", "+86-138-1234-5678", face_consent=False)
    assert PHONE not in str(info.value)
    assert len(svc(term).list()) == 1


def test_enrolment_needs_recorded_face_consent(term: Terminal) -> None:
    members = svc(term)
    m = members.add("Minh", PHONE, face_consent=False)
    with pytest.raises(ConsentError, match="consent"):
        members.enroll_templates(m.id, encodings(3))
    assert members.store.template_count() == 0 and not key_path(term).exists()
    members.set_consent(m.id, face=True)
    assert members.enroll_templates(m.id, encodings(1)) == 1   # files: one is enough; camera: the caller checks
    assert MIN_CAMERA_FRAMES == MemberService.MIN_CAMERA_FRAMES == 3


def test_templates_round_trip_encrypted_under_a_0600_key(term: Terminal) -> None:
    members = svc(term)
    a = members.add("A", PHONE, face_consent=True)
    b = members.add("B", "+84901234567", face_consent=True)
    enc_a, enc_b = encodings(2, seed=1), encodings(1, seed=2)
    members.enroll_templates(a.id, enc_a)
    members.enroll_templates(b.id, enc_b)
    mode = key_path(term).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE(key_path(term).parent.stat().st_mode) & 0o077 == 0
    ids, matrix = members.all_templates()
    assert matrix.dtype == np.float32 and matrix.shape == (3, 128)
    expected = {a.id: enc_a, b.id: enc_b}
    for member_id in {a.id, b.id}:
        rows = matrix[[i for i, m in enumerate(ids) if m == member_id]]
        assert np.array_equal(rows, np.stack(expected[member_id]))
    term.db.vacuum()
    raw = (term.data_dir / "terminal.db").read_bytes()
    assert enc_a[0].tobytes()[:64] not in raw       # only ciphertext reaches the file
    assert key_path(term).read_bytes().strip() not in raw


def test_only_opted_in_members_are_in_the_gallery_and_withdrawal_deletes_templates(term: Terminal) -> None:
    members = svc(term)
    m = members.add("A", PHONE, face_consent=True)
    members.enroll_templates(m.id, encodings(3))
    members.set_consent(m.id, marketing=True)
    assert members.all_templates()[1].shape == (3, 128)
    withdrawn = members.set_consent(m.id, face=False)
    assert withdrawn.consent_face_at is None and not withdrawn.face_pay_opt_in and withdrawn.consent_marketing_at
    assert members.store.template_count() == 0 and members.all_templates()[1].shape == (0, 128)
    consent = [e["body"] for e in envelopes(term) if e["body"]["action"] == "consent"]
    assert consent[-1]["templates_removed"] == 3 and consent[-1]["consent_face_at"] is None


def test_delete_removes_every_template_and_no_ciphertext_survives_vacuum(term: Terminal) -> None:
    members = svc(term)
    gone = members.add("Gone", PHONE, face_consent=True)
    kept = members.add("Kept", "+84901234567", face_consent=True)
    members.enroll_templates(gone.id, encodings(4, seed=3))
    members.enroll_templates(kept.id, encodings(1, seed=4))
    conn = sqlite3.connect(str(term.data_dir / "terminal.db"))
    cipher = [bytes(r[0]) for r in conn.execute("SELECT ciphertext FROM face_templates WHERE member_id = ?",
                                                 (gone.id,))]
    conn.close()
    assert len(cipher) == 4
    files = [term.data_dir / "terminal.db", term.data_dir / "terminal.db-wal"]

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in files if p.exists())

    term.db.vacuum()
    assert all(c in on_disk() for c in cipher)      # the scan does find them while they exist
    assert members.delete(gone.id) == 4
    term.db.vacuum()
    data = on_disk()
    for c in cipher:
        assert c not in data and c[40:80] not in data
    ids, matrix = members.all_templates()
    assert ids == [kept.id] and matrix.shape == (1, 128)
    deleted = [e["body"] for e in envelopes(term) if e["body"]["action"] == "deleted"]
    assert deleted == [{"action": "deleted", "member_id": gone.id, "phone_masked": "****5678",
                        "templates_removed": 4}]


@pytest.mark.parametrize("damage", [b"not a fernet key\n", b"", b"\xff\xfe" * 22])
def test_a_corrupted_key_file_is_a_clear_error_not_an_empty_gallery(term: Terminal, make_terminal: Any,
                                                                    damage: bytes) -> None:
    members = svc(term)
    m = members.add("A", PHONE, face_consent=True)
    members.enroll_templates(m.id, encodings(2))
    key_path(term).write_bytes(damage)
    again = svc(make_terminal())   # the key is read afresh, the way a restarted terminal reads it
    with pytest.raises(FaceKeyError) as info:
        again.all_templates()
    assert str(key_path(term)) in str(info.value) and "restore" in str(info.value)
    with pytest.raises(FaceKeyError):
        again.enroll_templates(m.id, encodings(1))


def test_a_replaced_or_missing_key_is_an_error_too(term: Terminal, make_terminal: Any) -> None:
    members = svc(term)
    m = members.add("A", PHONE, face_consent=True)
    members.enroll_templates(m.id, encodings(1))
    path = key_path(term)
    os.unlink(path)
    with pytest.raises(FaceKeyError, match="missing"):
        svc(make_terminal()).all_templates()
    with pytest.raises(FaceKeyError, match="missing"):   # never a new key while old templates need the old one
        svc(make_terminal()).enroll_templates(m.id, encodings(1))
    FaceVault(path).encrypt(encodings(1)[0])            # someone makes a fresh key by hand
    with pytest.raises(FaceKeyError, match="cannot be decrypted"):
        svc(make_terminal()).all_templates()


def test_a_key_readable_by_others_is_refused(term: Terminal, make_terminal: Any) -> None:
    members = svc(term)
    m = members.add("A", PHONE, face_consent=True)
    members.enroll_templates(m.id, encodings(1))
    os.chmod(key_path(term), 0o644)
    with pytest.raises(FaceKeyError, match="chmod 600"):
        svc(make_terminal()).all_templates()


def test_a_cash_sale_never_needs_the_face_key(open_term: Terminal) -> None:
    open_term.till.scan("8930001234505")
    open_term.till.pay_cash(Money(2000, "CNY"))
    assert not key_path(open_term).exists()


def test_member_card_finds_the_member_and_a_forged_one_is_refused(term: Terminal) -> None:
    members = svc(term)
    m = members.add("Lan", PHONE, face_consent=False)
    assert m.card.startswith("EPM1:") and members.find_by_card(m.card) == m
    assert members.find_by_card(f"\x02{m.card}\x03\r\n") == m   # a serial scanner's framing
    forged = m.card[:-1] + ("0" if m.card[-1] != "0" else "1")
    with pytest.raises(MemberError, match="not issued by this shop"):
        members.find_by_card(forged)
    with pytest.raises(MemberError, match="not issued by this shop"):
        members.find_by_card(make_card(b"another terminal's secret", m.id))
    with pytest.raises(MemberError, match="not an edgepos member card"):
        members.find_by_card("EPM-00012345")
    assert route(m.card, term.catalog, lambda _t: False).kind == "member"
    members.delete(m.id)
    with pytest.raises(MemberError, match="no longer valid"):
        members.find_by_card(m.card)


def test_member_events_are_signed_and_carry_no_phone_or_template(term: Terminal) -> None:
    members = svc(term)
    m = members.add("Lan Nguyen", "+86 138 1234 5678", face_consent=True)
    enc = encodings(3)
    members.enroll_templates(m.id, enc)
    members.set_consent(m.id, marketing=True)
    members.delete(m.id)
    events = envelopes(term)
    assert [e["schema"] for e in events] == ["member/1"] * 4
    assert [e["body"]["action"] for e in events] == ["created", "enrolled", "consent", "deleted"]
    secret = (term.data_dir / "keys" / "terminal.key").read_text().strip()
    for event in events:
        assert verify_envelope(event, bytes.fromhex(secret))
        text = json.dumps(event)
        assert "13812345678" not in text and "1234 5678" not in text
        assert event["body"]["phone_masked"] == "****5678"
    created = events[0]["body"]
    assert created["source"] == "counter" and created["face_pay_opt_in"] is True
    assert events[1]["body"]["templates"] == 3 and "ciphertext" not in json.dumps(events[1])


def test_face_pay_daily_cap_counts_face_payments_of_the_member_today(open_term: Terminal) -> None:
    import uuid

    from terminal.sales.sale import Payment
    members = svc(open_term)
    m = members.add("A", PHONE, face_consent=True)
    till = open_term.till
    till.attach_member(m)
    till.scan("8930001234505")   # 18.00
    due = till.start_tender().due
    till.complete(Payment(uuid.uuid4().hex, "face", due, due, Money.zero("CNY")))
    assert members.face_paid_today(m.id) == Money(1800, "CNY")
    members.check_face_cap(m.id, Money(48200, "CNY"), Money(50000, "CNY"))
    with pytest.raises(MemberError, match="limit"):
        members.check_face_cap(m.id, Money(48201, "CNY"), Money(50000, "CNY"))


def test_face_and_members_config_defaults_and_checks(term: Terminal, tmp_path: Path) -> None:
    from terminal.config.settings import default_config_text, load_config
    face = term.config.face
    assert (face.tolerance, face.margin, face.daily_cap, face.blink_window_s) == (0.5, 0.08, Money(50000, "CNY"), 5)
    assert term.config.members.points_per_unit == 1
    path = tmp_path / "bad.toml"
    path.write_text(default_config_text().replace("tolerance = 0.5", "tolerance = 3"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[face\] tolerance"):
        load_config(path)
    path.write_text(default_config_text().replace("points_per_unit = 1", "points_per_unit = -1"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[members\] points_per_unit"):
        load_config(path)
