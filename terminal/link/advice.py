"""What a broker refusal or a backend rejection means for this terminal, and the fix to print under it."""
from __future__ import annotations

from enum import StrEnum

RETRY = "then run `edgepos sync retry-rejected`"


class RejectionCause(StrEnum):
    """Why the backend set an event aside; all but CONTENT are fixed on the terminal or the deployment."""

    KEY = "key"                      # signed with a key the backend does not have for this terminal
    TERMINAL_ID = "terminal id"      # the envelope names another terminal than the broker user it came from
    UNREGISTERED = "unregistered"    # the backend has no key at all for this terminal
    CONTENT = "content"              # the event itself was refused: resending it would be refused again

    @property
    def fixable(self) -> bool:
        """True when `sync retry-rejected` can send the event again after the fix."""
        return self is not RejectionCause.CONTENT


def rejection_cause(reason: str) -> RejectionCause:
    """Classify a rejection reason the backend acked with."""
    text = reason.lower()
    if text.startswith("bad mac"):
        return RejectionCause.KEY
    if " published on " in text:
        return RejectionCause.TERMINAL_ID
    if "is not registered" in text:
        return RejectionCause.UNREGISTERED
    return RejectionCause.CONTENT


def short_reason(reason: str, width: int = 60) -> str:
    """The head of a reason, for counts: 'bad mac: the envelope...' -> 'bad mac'."""
    head = reason.split(":", 1)[0] if rejection_cause(reason) is RejectionCause.KEY else reason
    return head if len(head) <= width else head[: width - 1] + "…"


def rejection_fix(reason: str, terminal_id: str, key_path: str = "DATA_DIR/keys/terminal.key") -> str:
    """The technician's fix for events rejected with this reason."""
    cause = rejection_cause(reason)
    if cause is RejectionCause.KEY:
        return (f"{key_path} is not the key the backend has for {terminal_id}: copy the deployment's "
                f"terminals/{terminal_id}/terminal.key over it and restart edgepos; {RETRY}")
    if cause is RejectionCause.TERMINAL_ID:
        return (f"the events name another terminal than the broker user they were sent as: make [terminal] id "
                f"and [broker] username the same; {RETRY}")
    if cause is RejectionCause.UNREGISTERED:
        return (f"the backend has no key for {terminal_id}: add it to the deployment (`edgepos cloud init "
                f"--terminal {terminal_id} ...`) and restart `edgepos cloud`; {RETRY}")
    return ("the backend refused the event's content; it stays in outbox_rejected (`edgepos sync status`): "
            "report the reason to support")


def refusal_fix(detail: str, terminal_id: str, username: str, config_path: str = "edgepos.toml") -> str:
    """The fix for a link problem recorded as `detail` (a broker refusal, an unreachable broker); '' if none."""
    text = detail.lower()
    if "refused events" in text:
        if terminal_id != username:
            return (f'set [terminal] id = "{username}" in {config_path} (the broker user {username} may publish '
                    f"only as {username}), or give this terminal {terminal_id}'s broker.toml and key from the "
                    f"deployment; events already queued as {terminal_id} then come back rejected: {RETRY}")
        return (f"the broker's ACL does not let {username} publish its events: regenerate the deployment "
                "(`edgepos cloud init ... --force`) and restart the broker")
    if "refused the terminal" in text:
        return (f"check [broker] username/password in {config_path}: paste them from the deployment's "
                f"terminals/{terminal_id}/broker.toml (`edgepos cloud init`)")
    if "certificate" in text or "ssl" in text:
        return (f"check [broker] ca_file in {config_path} is the deployment's ca.crt and the url's host is in the "
                "broker's certificate (`edgepos cloud init --host/--extra-host`)")
    if "cannot reach" in text or "no answer" in text or "closed the connection" in text or "lost" in text:
        return f"check the network and [broker] url in {config_path}; is the broker running (`edgepos cloud broker`)?"
    return ""
