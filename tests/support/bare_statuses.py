"""Finds statuses compared as bare string literals, with the ast module (no code of the tree is run).

A status or outcome has one home: the module that defines its StrEnum. Anywhere else, `==`, `!=`, `in`,
`not in` and `case` against one of its values as a string literal ("offline", ("approved", "offline")) is a violation;
compare with the enum member instead (`status == OutcomeStatus.OFFLINE`). The wire format and the stored
values do not change: a StrEnum member equals its value.

Run `python -m tests.support.bare_statuses [ROOT]` to list the violations of a tree.
"""
from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from sync.schema import AckStatus
from terminal.face.liveness import LivenessStatus
from terminal.face.pay import FacePayStep
from terminal.face.policy import Decision, DigitsState, FaceRefusal
from terminal.payments.acquirer import AcquirerMethod, AcquirerStatus
from terminal.payments.outcome import OutcomeStatus
from terminal.sales.history import SaleRowState
from terminal.sales.sale import PaymentStatus, SaleState
from terminal.staff.model import Approval, Role
from terminal.store.attempt_claims import AttentionStatus
from terminal.store.attempts import AttemptStatus
from terminal.store.refunds import RefundRequestStatus
from terminal.store.sync_store import LinkState
from terminal.store.tenders import TenderState

# The enums whose values may not be spelled out in a comparison outside their home module.
STATUS_ENUMS: tuple[type[Enum], ...] = (
    AcquirerMethod, AcquirerStatus, OutcomeStatus, AttemptStatus, PaymentStatus, SaleState, LinkState, AckStatus,
    FacePayStep, FaceRefusal, Decision, DigitsState, LivenessStatus, AttentionStatus, TenderState,
    RefundRequestStatus, SaleRowState, Role, Approval,
)
# What is checked: the terminal's core, the terminal's side of the sync link, and the kiosk.
CHECKED = ("terminal", "ui", "sync/link.py", "sync/link_report.py", "sync/drain.py", "sync/retry.py",
           "sync/sync_cli.py")


@dataclass(frozen=True)
class BareStatus:
    """One comparison of a status value as a bare string literal."""

    path: str     # relative to the tree's root, with forward slashes
    line: int
    value: str
    enums: tuple[str, ...]   # the enums that have this value

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.value!r} compared as a bare string; use {' or '.join(self.enums)}"


def homes(root: Path, enums: Iterable[type[Enum]] = STATUS_ENUMS) -> dict[str, dict[str, str]]:
    """Each status value -> {enum name: the enum's home module path relative to `root`}."""
    values: dict[str, dict[str, str]] = {}
    for enum in enums:
        home = Path(inspect.getfile(enum)).resolve().relative_to(root.resolve()).as_posix()
        for member in enum:
            values.setdefault(str(member.value), {})[enum.__name__] = home
    return values


def _literals(node: ast.expr) -> Iterator[str]:
    """The string literals a comparison operand spells out: itself, or the items of a literal tuple/list/set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for item in node.elts:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                yield item.value


def _compared(node: ast.AST) -> Iterator[ast.expr]:
    """The operands a node compares a status with: both sides of == and !=, the container of `in`, a case value."""
    if isinstance(node, ast.MatchValue):
        yield node.value
    elif isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        for index, op in enumerate(node.ops):
            if isinstance(op, (ast.Eq, ast.NotEq)):
                yield from operands[index:index + 2]
            elif isinstance(op, (ast.In, ast.NotIn)):
                yield operands[index + 1]   # the left of `"locked" in text` searches a message, it is no status


def check_source(source: str, path: str, values: dict[str, dict[str, str]]) -> list[BareStatus]:
    """The bare status comparisons in one module's source (values defined in the module itself are allowed)."""
    found: set[BareStatus] = set()
    for node in ast.walk(ast.parse(source, path)):
        for operand in _compared(node):
            for text in _literals(operand):
                owners = values.get(text, {})
                if owners and path not in owners.values():
                    found.add(BareStatus(path, operand.lineno, text, tuple(sorted(owners))))
    return sorted(found, key=lambda v: (v.path, v.line, v.value))


def _files(root: Path, checked: Iterable[str]) -> Iterator[Path]:
    for name in checked:
        target = root / name
        if target.is_file():
            yield target
        elif target.is_dir():
            yield from sorted(target.rglob("*.py"))


def check_tree(root: Path, checked: Iterable[str] = CHECKED,
               values: dict[str, dict[str, str]] | None = None) -> list[BareStatus]:
    """Every bare status comparison under `root`'s checked paths, in file and line order."""
    known = values if values is not None else homes(root)
    found: list[BareStatus] = []
    for file in _files(root, checked):
        rel = file.relative_to(root).as_posix()
        found += check_source(file.read_text(encoding="utf-8"), rel, known)
    return found


if __name__ == "__main__":
    tree = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    violations = check_tree(tree)
    print("\n".join(str(v) for v in violations) or "no bare status comparisons")
    sys.exit(1 if violations else 0)
