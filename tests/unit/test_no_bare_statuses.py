"""No status or outcome is compared as a bare string literal outside the module of its StrEnum."""
from __future__ import annotations

from pathlib import Path

from support.bare_statuses import check_tree, homes
from terminal.payments.outcome import OutcomeStatus
from terminal.store.attempts import AttemptStatus
from terminal.store.sync_store import LinkState

ROOT = Path(__file__).resolve().parents[2]
KNOWN = {
    "offline": {"LinkState": "terminal/store/sync_store.py", "OutcomeStatus": "terminal/payments/outcome.py"},
    "approved": {"OutcomeStatus": "terminal/payments/outcome.py"},
}
BAD = '''\
from terminal.payments.outcome import OutcomeStatus

def check(status, text, outcome):
    if status == "offline":
        return 1
    if "approved" != outcome.status:
        return 2
    if status in ("approved", "declined"):
        return 3
    if status not in ["offline"]:
        return 4
    if status == OutcomeStatus.OFFLINE or "offline" in text or status == "cash":
        return 5
    return {"offline": 6}.get(status)


def route(status):
    match status:
        case "approved":
            return 7
        case OutcomeStatus.OFFLINE:
            return 8
'''


def test_the_checkout_compares_no_status_as_a_bare_string() -> None:
    assert [str(v) for v in check_tree(ROOT)] == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checker_names_file_line_and_value_of_each_bare_status(tmp_path: Path) -> None:
    clean = "x = 1 if y == OutcomeStatus.OFFLINE else 2\n"
    root = _tree(tmp_path, {"terminal/payments/bad.py": BAD, "ui/clean.py": clean})
    found = [str(v) for v in check_tree(root, ("terminal", "ui"), KNOWN)]
    assert found == [
        "terminal/payments/bad.py:4: 'offline' compared as a bare string; use LinkState or OutcomeStatus",
        "terminal/payments/bad.py:6: 'approved' compared as a bare string; use OutcomeStatus",
        "terminal/payments/bad.py:8: 'approved' compared as a bare string; use OutcomeStatus",
        "terminal/payments/bad.py:10: 'offline' compared as a bare string; use LinkState or OutcomeStatus",
        "terminal/payments/bad.py:19: 'approved' compared as a bare string; use OutcomeStatus",
    ]


def test_an_enum_module_may_spell_its_own_values_only(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"terminal/payments/outcome.py": BAD, "terminal/store/sync_store.py": BAD})
    found = [str(v) for v in check_tree(root, ("terminal",), KNOWN)]
    assert found == [   # "offline" is a LinkState too, "approved" is not
        "terminal/store/sync_store.py:6: 'approved' compared as a bare string; use OutcomeStatus",
        "terminal/store/sync_store.py:8: 'approved' compared as a bare string; use OutcomeStatus",
        "terminal/store/sync_store.py:19: 'approved' compared as a bare string; use OutcomeStatus",
    ]


def test_the_known_values_come_from_the_enums_and_their_home_modules() -> None:
    values = homes(ROOT)
    assert values["offline"]["LinkState"] == "terminal/store/sync_store.py"
    assert values["offline"]["OutcomeStatus"] == "terminal/payments/outcome.py"
    assert values["reverse_unconfirmed"]["AttemptStatus"] == "terminal/store/attempts.py"
    assert values["precreate"] == {"AcquirerMethod": "terminal/payments/acquirer.py"}
    assert values["rejected"]["AckStatus"] == "sync/schema.py"


def test_enum_members_equal_their_wire_and_database_values() -> None:
    assert OutcomeStatus.REVERSE_UNCONFIRMED == "reverse_unconfirmed"
    assert AttemptStatus.OFFLINE_DECLINED == "offline_declined"
    assert LinkState.NEVER_STARTED == "never started"
