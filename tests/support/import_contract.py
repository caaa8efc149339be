"""The import contract, checked on the source tree with the ast module (no code is imported or run).

terminal/ is the core and knows no library of the edge: only terminal/app/, the application layer,
may import drivers/, sync/, simulators/, ui/, bench/ or the device and storage libraries. ui/ calls
terminal services only: it reaches hardware and the wire through terminal/app/, never directly.

Run `python -m tests.support.import_contract [ROOT]` to list the violations of a tree.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# Our own edge packages, then the libraries that only drivers/, sync/ and ui/ may use.
EDGE_PACKAGES = frozenset({
    "drivers", "sync", "simulators", "ui", "bench",
    "kivy", "cv2", "paho", "serial", "escpos", "face_recognition", "sqlalchemy", "pyzbar",
})
# What ui/ may not import itself: the kiosk gets its devices and link from terminal/app/.
UI_FORBIDDEN = frozenset({"drivers", "sync", "simulators"})


class Rule(StrEnum):
    """The two rules of the contract; a violation names the one it breaks."""

    CORE_IMPORTS_EDGE = "core-imports-edge"
    CORE_IMPORTS_APP = "core-imports-app"
    UI_IMPORTS_DEVICE = "ui-imports-device"


RULE_TEXT = {
    Rule.CORE_IMPORTS_EDGE: "terminal/ outside terminal/app/ imports an edge package",
    Rule.CORE_IMPORTS_APP: "terminal/ outside terminal/app/ imports the application layer above it",
    Rule.UI_IMPORTS_DEVICE: "ui/ imports drivers/, sync/ or simulators/ directly",
}


@dataclass(frozen=True)
class Violation:
    """One forbidden import: where it is, what it imports and which rule it breaks."""

    path: str
    line: int
    module: str
    rule: Rule

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {RULE_TEXT[self.rule]}: {self.module}"


def _package_of(path: Path, root: Path) -> list[str]:
    """The dotted package a file's relative imports start from, as parts."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1]  # a module's package, and for an __init__ the package it starts


def _resolve(module: str | None, level: int, package: list[str]) -> str:
    """The absolute name of `from <dots><module> import ...`."""
    if level == 0:
        return module or ""
    base = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
    return ".".join([*base, *([module] if module else [])])


def _import_module_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound to the importlib module and to importlib.import_module / __import__ in this file."""
    modules, functions = {"importlib"}, {"__import__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name == "importlib")
        elif isinstance(node, ast.ImportFrom) and node.module in ("importlib", "builtins") and node.level == 0:
            functions.update(a.asname or a.name for a in node.names if a.name in ("import_module", "__import__"))
    return modules, functions


def _literal_import_call(node: ast.Call, modules: set[str], functions: set[str]) -> str | None:
    """The module named by `importlib.import_module("x")` or `__import__("x")` with a literal name."""
    func = node.func
    named = isinstance(func, ast.Name) and func.id in functions
    attribute = (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                 and ((func.value.id in modules and func.attr == "import_module")
                      or (func.value.id == "builtins" and func.attr == "__import__")))
    if not (named or attribute) or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def imported_modules(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in a file: top level, indented, lazy and literal importlib calls."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = _package_of(path, root)
    modules, functions = _import_module_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, package)
            # `from . import drivers` at the top of the tree imports the package itself.
            yield node.lineno, base or ".".join(a.name for a in node.names[:1])
            # `from terminal import app` imports the package terminal.app: name it, so the rule sees it.
            for alias in node.names:
                if base == "terminal" and alias.name == "app":
                    yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call):
            name = _literal_import_call(node, modules, functions)
            if name and not name.startswith("."):
                yield node.lineno, name


def _rule_for(relative: Path, module: str) -> Rule | None:
    """The rule an import of `module` from this file breaks, if any."""
    area, top = relative.parts[0], module.split(".")[0]
    core = area == "terminal" and relative.parts[1:2] != ("app",)
    if core and top in EDGE_PACKAGES:
        return Rule.CORE_IMPORTS_EDGE
    if core and (module == "terminal.app" or module.startswith("terminal.app.")):
        return Rule.CORE_IMPORTS_APP
    if area == "ui" and top in UI_FORBIDDEN:
        return Rule.UI_IMPORTS_DEVICE
    return None


def check_tree(root: Path) -> list[Violation]:
    """Every violation of the contract under root (a checkout, or any tree with terminal/ and ui/)."""
    violations: list[Violation] = []
    for area in ("terminal", "ui"):
        for path in sorted((root / area).rglob("*.py")):
            relative = path.relative_to(root)
            for line, module in imported_modules(path, root):
                rule = _rule_for(relative, module)
                if rule is not None:
                    violations.append(Violation(relative.as_posix(), line, module, rule))
    return violations


def main(argv: list[str]) -> int:
    """Print the violations of the tree at argv[0] (default: the checkout) and fail if there are any."""
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[2]
    violations = check_tree(root)
    for violation in violations:
        print(violation)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
