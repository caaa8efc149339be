"""All SQL lives in terminal/store/: no other module of terminal/ runs a statement or holds an SQL text."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|REPLACE)\b")
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})


def sql_in(path: Path, shown_as: str) -> list[str]:
    """`file:line what` for each statement call and each string literal that starts like SQL."""
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in SQL_CALLS:
                found.append((node.lineno, 0, f"calls {name}()"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            found.append((node.lineno, 1, f"SQL text {node.value.strip()[:40]!r}"))
    return [f"{shown_as}:{line} {what}" for line, _, what in sorted(found)]


def sql_outside_store(root: Path) -> list[str]:
    """Every SQL statement or text in root/terminal outside root/terminal/store, in file order."""
    found = []
    for path in sorted((root / "terminal").rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[:2] != ("terminal", "store"):
            found.extend(sql_in(path, rel.as_posix()))
    return found


def test_no_sql_outside_terminal_store() -> None:
    found = sql_outside_store(ROOT)
    assert not found, "SQL belongs behind a store class in terminal/store/:\n" + "\n".join(found)


def test_the_check_names_file_and_line_of_each_statement(tmp_path: Path) -> None:
    files = {
        "terminal/store/coupons.py": 'def get(db):\n    return db.query_one("SELECT * FROM coupons")\n',
        "terminal/members/coupons.py": (
            "def add(tx, db):\n"
            '    tx.execute("INSERT INTO coupons(code) VALUES (?)", ("A",))\n'   # 2: call and text
            "    db.executemany(statement, rows)\n"                             # 3
            "    return db.query_one(\n"
            "        '''\n"
            "        select_me = 1'''), \"Select a member\"\n"                  # not SQL: lower case
            "Q = f\"DELETE FROM coupons WHERE code = {code}\"\n"               # 7
        ),
        "terminal/app/doctor.py": 'ROW = "  PRAGMA integrity_check"\n',       # 1
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sql_outside_store(tmp_path) == [
        "terminal/app/doctor.py:1 SQL text 'PRAGMA integrity_check'",
        "terminal/members/coupons.py:2 calls execute()",
        "terminal/members/coupons.py:2 SQL text 'INSERT INTO coupons(code) VALUES (?)'",
        "terminal/members/coupons.py:3 calls executemany()",
        "terminal/members/coupons.py:7 SQL text 'DELETE FROM coupons WHERE code ='",
    ]
