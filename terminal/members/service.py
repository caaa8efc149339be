"""Members: join, consent, face templates (encrypted), points; every change is a member/1 event in its transaction."""
from __future__ import annotations

import builtins
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from terminal.errors import ConsentError, MemberError
from terminal.face.vault import TEMPLATE_SIZE, FaceVault
from terminal.link.events import rfc3339
from terminal.members.balance import BalanceService
from terminal.members.codes import card_member_id, clean_card, make_card, mask_phone, normalize_phone
from terminal.ports import Clock
from terminal.sales.money import Money, exponent
from terminal.store.balance import BalanceStore
from terminal.store.db import Transaction
from terminal.store.members import Member, MemberStore, PointsAward
from terminal.store.outbox import OutboxStore

__all__ = ["MIN_CAMERA_FRAMES", "Member", "MemberService", "PointsAward"]

log = logging.getLogger(__name__)

MIN_CAMERA_FRAMES = 3  # good frames of one face needed to enrol from the camera (the caller checks)
MAX_NAME = 60


class MemberService:
    """What the till, the kiosk and `edgepos members` do with members."""

    MIN_CAMERA_FRAMES = MIN_CAMERA_FRAMES

    def __init__(self, store: MemberStore, outbox: OutboxStore, vault: FaceVault, clock: Clock, secret: bytes,
                 currency: str, points_per_unit: int = 1) -> None:
        self.store, self._outbox, self.vault, self._clock = store, outbox, vault, clock
        self._secret, self.currency, self.points_per_unit = secret, currency, points_per_unit
        self.balance = BalanceService(BalanceStore(store.db), outbox, clock, currency)   # prepaid (储值)

    def _event(self, tx: Transaction, action: str, member: Member, **extra: Any) -> None:
        body = {"action": action, "member_id": member.id, "phone_masked": member.masked_phone, **extra}
        self._outbox.enqueue(tx, "member/1", body, self._clock.now())

    @staticmethod
    def _consents(member: Member) -> dict[str, Any]:
        return {"face_pay_opt_in": member.face_pay_opt_in, "consent_face_at": member.consent_face_at,
                "consent_marketing_at": member.consent_marketing_at}

    def add(self, name: str, phone: str, face_consent: bool, marketing_consent: bool = False,
            joined_sale_id: str | None = None) -> Member:
        """A new member; the phone is normalised to E.164 and must not belong to anyone else."""
        name = " ".join(name.split())
        if len(name) > MAX_NAME:
            raise MemberError.text("a name has at most {limit} characters", limit=MAX_NAME)
        e164 = normalize_phone(phone)
        now = rfc3339(self._clock.now())
        member_id = uuid.uuid4().hex
        member = Member(member_id, name, e164, now, face_consent, now if face_consent else None,
                        now if marketing_consent else None, 0, make_card(self._secret, member_id), joined_sale_id)
        with self.store.db.transaction() as tx:
            if self.store.by_phone(e164, tx) is not None:
                raise MemberError.text("phone {phone} already belongs to a member: find them by phone or card instead",
                                       phone=mask_phone(e164))
            self.store.insert(tx, member)
            self._event(tx, "created", member, source="payment" if joined_sale_id else "counter",
                        **self._consents(member))
        log.info("member %s joined (%s)", member_id[:12], member.masked_phone)
        return member

    def join_at_payment(self, name: str, phone: str, sale_id: str | None = None) -> Member:
        """One tap at payment: name may be empty; marketing and face consent are off until asked for."""
        return self.add(name, phone, face_consent=False, marketing_consent=False, joined_sale_id=sale_id)

    def get(self, member_id: str) -> Member:
        """The member, or MemberError."""
        member = self.store.get(member_id)
        if member is None:
            raise MemberError.text("no member {member_id} on this terminal", member_id=repr(member_id))
        return member

    def find_by_phone(self, phone: str) -> Member | None:
        """The member with this phone (any spacing, E.164 or 00 prefix), or None."""
        return self.store.by_phone(normalize_phone(phone))

    def find_by_card(self, token: str) -> Member:
        """The member a scanned card names; a forged or revoked card is refused with MemberError."""
        member = self.store.get(card_member_id(self._secret, token))
        if member is None or member.card != clean_card(token):
            raise MemberError.text("this member card is no longer valid (the member left): ask them to join again")
        return member

    def list(self) -> list[Member]:
        """Every member, oldest first."""
        return self.store.all()

    def delete(self, member_id: str) -> int:
        """Remove a member with every template, points row and coupon of theirs; returns templates removed.

        secure_delete zeroes the freed bytes; `Database.vacuum()` then rewrites the file and empties the WAL.
        """
        member = self.get(member_id)
        left = self.balance.balance(member_id)
        if left.minor > 0:   # the ledger keeps no cascade: money on the balance is not deleted with the member
            raise MemberError.text("member {name} still has {balance} on the prepaid balance: spend or pay it out"
                                   " before deleting them", name=member.display_name, balance=left)
        with self.store.db.transaction() as tx:
            removed = self.store.delete(tx, member_id)
            self._event(tx, "deleted", member, templates_removed=removed)
        log.info("member %s deleted with %d face templates", member_id[:12], removed)
        return removed

    def set_consent(self, member_id: str, face: bool | None = None, marketing: bool | None = None) -> Member:
        """Give or withdraw consents (None = unchanged); withdrawing face consent deletes every template."""
        return self.change_consent(member_id, face, marketing)[0]

    def change_consent(self, member_id: str, face: bool | None = None, marketing: bool | None = None
                       ) -> tuple[Member, int]:
        """As set_consent; also returns how many face templates the withdrawal deleted.

        A consent given again keeps the time it was first given; a withdrawn one is cleared.
        """
        member = self.get(member_id)
        now = rfc3339(self._clock.now())
        face_at = member.consent_face_at if face is None else (member.consent_face_at or now) if face else None
        market_at = (member.consent_marketing_at if marketing is None
                     else (member.consent_marketing_at or now) if marketing else None)
        opt_in = member.face_pay_opt_in if face is None else face
        with self.store.db.transaction() as tx:
            self.store.set_consent(tx, member_id, face_at, market_at, opt_in)
            removed = self.store.delete_templates(tx, member_id) if face is False else 0
            changed = self.store.get(member_id, tx)
            assert changed is not None
            self._event(tx, "consent", changed, templates_removed=removed, **self._consents(changed))
        return changed, removed

    @staticmethod
    def require_face_consent(member: Member) -> None:
        """ConsentError, naming the command that records consent, unless face consent is recorded."""
        if not member.face_consent:
            raise ConsentError.text("member {name} has not consented to face data: once they have read and accepted"
                                    " the face-data consent, record it with `edgepos members consent {id} --face`,"
                                    " then enrol again", name=member.display_name, id=member.id)

    def enroll_templates(self, member_id: str, encodings: Sequence[npt.ArrayLike]) -> int:
        """Store encrypted templates (>= 1; the camera path checks MIN_CAMERA_FRAMES); needs face consent."""
        member = self.get(member_id)
        self.require_face_consent(member)
        if len(encodings) < 1:
            raise MemberError.text("enrolment needs at least one face encoding")
        tokens = [self.vault.encrypt(e, may_create=self.store.template_count() == 0) for e in encodings]
        now = rfc3339(self._clock.now())
        with self.store.db.transaction() as tx:
            for token in tokens:
                self.store.add_template(tx, member_id, token, now)
            self._event(tx, "enrolled", member, templates=len(tokens))
        return len(tokens)

    def all_templates(self) -> tuple[builtins.list[str], npt.NDArray[np.float32]]:
        """Member id of each row and the (n, 128) float32 matrix of opted-in members' templates, decrypted.

        A template the key does not open raises FaceKeyError: never a silently smaller gallery.
        """
        rows = self.store.gallery_rows()
        matrix = np.empty((len(rows), TEMPLATE_SIZE), np.float32)
        for i, (template_id, _member_id, token) in enumerate(rows):
            matrix[i] = self.vault.decrypt(token, template_id)
        return [r[1] for r in rows], matrix

    def points_for(self, paid: Money) -> int:
        """Points for an amount: points_per_unit per whole major unit of the home currency (floor)."""
        if paid.currency != self.currency or paid.minor <= 0:
            return 0
        return int(paid.minor * self.points_per_unit // 10 ** exponent(paid.currency))

    def award_points(self, tx: Transaction, member_id: str, sale_id: str, paid: Money) -> PointsAward:
        """Points for a paid sale, inside the sale's own transaction; the sale id makes it happen once."""
        if self.store.get(member_id, tx) is None:
            raise MemberError.text("member {member} no longer exists: detach them from the sale", member=member_id[:12])
        award = self.store.award(tx, member_id, sale_id, self.points_for(paid), rfc3339(self._clock.now()))
        if award.points:
            body = {"action": "points", "member_id": member_id, "sale_id": sale_id, "points": award.points,
                    "balance": award.balance}
            self._outbox.enqueue(tx, "member/1", body, self._clock.now())
        return award

    def award_for(self, sale_id: str) -> PointsAward | None:
        """The points a stored sale earned (for its receipt)."""
        return self.store.award_for(sale_id)

    def face_paid_today(self, member_id: str) -> Money:
        """What this member paid by face since local midnight (for the daily face-pay cap)."""
        local = self._clock.now().astimezone()
        start = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
        return Money(self.store.face_paid_between(member_id, rfc3339(start), rfc3339(start + timedelta(days=1))),
                     self.currency)

    def check_face_cap(self, member_id: str, amount: Money, cap: Money) -> None:
        """MemberError when paying `amount` by face would take the member past today's cap."""
        spent = self.face_paid_today(member_id)
        if spent + amount > cap:
            raise MemberError.text("face-pay limit reached: {spent} paid by face today, the daily limit is {cap};"
                                   " please pay another way", spent=spent, cap=cap)
