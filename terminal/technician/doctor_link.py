"""The doctor's link checks: terminal id vs broker user, the running link's own state, set-aside events."""
from __future__ import annotations

from terminal.link.advice import refusal_fix, rejection_cause, rejection_fix, short_reason
from terminal.store.sync_store import LinkState, SyncStatus, SyncStore
from terminal.technician.doctor import Check


def check_terminal_id(terminal_id: str, username: str, config_path: str = "edgepos.toml") -> Check:
    """The broker lets a terminal publish only under its username: `[terminal] id` must be that username."""
    if terminal_id == username:
        return Check("terminal id", True, f"{terminal_id} is the broker user")
    return Check("terminal id", False,
                 f"[terminal] id is {terminal_id!r} but [broker] username is {username!r}: the broker refuses "
                 "this terminal's events",
                 refusal_fix("refused events", terminal_id, username, config_path))


def running_link_check(status: SyncStatus, terminal_id: str, username: str,
                       config_path: str = "edgepos.toml") -> Check | None:
    """The broker line from a live link's own record; None when no link runs (the doctor then logs in itself).

    Logging in while the link runs would take its connection over: the broker uses the username as client id.
    """
    if not status.link.running:
        return None
    who = f"the sync link (pid {status.pid}) {status.link} since {(status.since or '?')[:19]}"
    acked = f", last ack {status.last_ack_at[:19]}" if status.last_ack_at else ", no ack yet"
    fix = refusal_fix(status.detail, terminal_id, username, config_path)
    if status.link is LinkState.ONLINE and not status.detail:
        return Check("broker", True, who + acked)
    if status.link is LinkState.CONNECTING and not status.detail:
        return Check("broker", True, who + " (first attempt)")
    return Check("broker", False, f"{who}: {status.detail or 'no detail recorded'}",
                 fix or "see the log (DATA_DIR/logs/edgepos.log) and `edgepos sync status`")


def check_rejected(store: SyncStore, terminal_id: str = "this terminal",
                   key_path: str = "DATA_DIR/keys/terminal.key") -> Check:
    """Events the backend refused and the terminal set aside, counted by reason, each cause with its fix."""
    reasons = store.rejected_reasons()
    if not reasons:
        return Check("rejected", True, "no event set aside")
    total = sum(count for _, count in reasons)
    counts: dict[str, int] = {}
    for reason, count in reasons:
        counts[short_reason(reason)] = counts.get(short_reason(reason), 0) + count
    detail = f"{total} set aside: " + ", ".join(f"{n} {why}" for why, n in counts.items())
    fixes: dict[object, str] = {}
    for reason, _ in reasons:
        fixes.setdefault(rejection_cause(reason), rejection_fix(reason, terminal_id, key_path))
    return Check("rejected", False, detail, "; ".join(fixes.values()))
