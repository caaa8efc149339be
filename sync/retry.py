"""`edgepos sync retry-rejected`: set-aside events whose cause is fixed go back to the outbox, re-signed if needed."""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from terminal.link.advice import rejection_cause
from terminal.link.events import make_envelope, verify_envelope
from terminal.link.keyring import fingerprint
from terminal.store.db import Database


class RetryAction(StrEnum):
    """What retry-rejected did with one event."""

    RESENT = "resent as it is"       # signed with the current key as this terminal already
    RESIGNED = "re-signed"           # its MAC checked out under a key this terminal holds: signed again, now current
    KEPT = "kept aside"


@dataclass(frozen=True)
class Retried:
    """One set-aside event and what was done with it."""

    seq: int
    id: str
    action: RetryAction
    detail: str

    def line(self) -> str:
        """The line `sync retry-rejected` prints for it."""
        return f"seq {self.seq} {self.id}: {self.action}: {self.detail}"


def _signer(envelope: dict[str, Any], secret: bytes, old: list[bytes]) -> bytes | None:
    for key in [secret, *old]:
        if verify_envelope(envelope, key):
            return key
    return None


def _decide(envelope: dict[str, Any], reason: str, terminal_id: str, secret: bytes,
            old: list[bytes]) -> tuple[RetryAction, str, dict[str, Any] | None]:
    cause = rejection_cause(reason)
    if not cause.fixable:
        return RetryAction.KEPT, f"refused for its content ({reason}); sending it again would be refused again", None
    signer = _signer(envelope, secret, old)
    if signer is None:
        return (RetryAction.KEPT, "its MAC matches no key this terminal holds (altered, or signed with a key that is "
                "gone: pass the old key file with --old-key)", None)
    was = str(envelope.get("terminal", ""))
    if signer == secret and was == terminal_id:
        return RetryAction.RESENT, f"signed with the current key as {terminal_id} ({reason})", envelope
    fresh = make_envelope(str(envelope["schema"]), envelope["body"], terminal_id, int(envelope["seq"]),
                          str(envelope["created_at"]), secret, str(envelope["id"]))
    changes = [] if was == terminal_id else [f"terminal {was} -> {terminal_id}"]
    if signer != secret:
        changes.append(f"key {fingerprint(signer)} -> {fingerprint(secret)}")
    return RetryAction.RESIGNED, f"{', '.join(changes)} (it was: {reason})", fresh


def retry_rejected(db: Database, terminal_id: str, secret: bytes, old_secrets: list[bytes]) -> list[Retried]:
    """Move each fixable set-aside event back to the outbox in seq order, verified and re-signed when needed."""
    rows = db.query("SELECT seq, id, envelope, reason FROM outbox_rejected ORDER BY seq")
    done: list[Retried] = []
    for row in rows:
        seq, event_id, reason = int(row["seq"]), str(row["id"]), str(row["reason"])
        try:
            envelope = json.loads(row["envelope"])
            action, detail, fresh = _decide(envelope, reason, terminal_id, secret, old_secrets)
        except (ValueError, KeyError, TypeError) as err:
            action, detail, fresh = RetryAction.KEPT, f"unreadable envelope ({err})", None
        if fresh is not None:
            with db.transaction() as tx:
                tx.execute("INSERT INTO outbox(seq, id, schema, envelope, created_at) VALUES (?, ?, ?, ?, ?)",
                           (seq, event_id, fresh["schema"], json.dumps(fresh, ensure_ascii=False),
                            fresh["created_at"]))
                tx.execute("DELETE FROM outbox_rejected WHERE id = ?", (event_id,))
        done.append(Retried(seq, event_id, action, detail))
    return done
