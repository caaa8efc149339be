"""`edgepos staff`: add cashiers and managers with a PIN (asked, or read from stdin), list them.

PINs never appear in process arguments: `add` asks for one twice, or reads one line with --pin-stdin.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from terminal.errors import StaffError
from terminal.staff.model import Role


def add_staff_parser(sub: Any) -> None:
    """The `staff` subcommands."""
    staff = sub.add_parser("staff", help="staff: add cashiers and managers with their PIN, list them")
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a cashier or a manager; asks for their PIN (4-8 digits)")
    add.add_argument("--name", required=True, help="the name shown on the till, receipts and reports")
    add.add_argument("--role", required=True, choices=[r.value for r in Role], help="cashier or manager")
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from the first line of stdin")
    listing = actions.add_parser("list", help="list the staff (never their PINs)")
    listing.add_argument("--json", action="store_true", help="print JSON")


def _read_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("PIN (4-8 digits): ")
    if getpass.getpass("PIN again: ") != first:
        raise StaffError("the two PINs differ: nothing was added")
    return first


def cmd_staff(args: argparse.Namespace, data_dir: Path) -> int:
    """Run one `edgepos staff` action."""
    from terminal.app.bootstrap import open_staff
    db, staff = open_staff(data_dir)
    try:
        if args.staff_command == "add":
            member = staff.add(args.name, args.role, _read_pin(args.pin_stdin))
            print(json.dumps({"staff_id": member.id, "name": member.name, "role": member.role.value}))
            return 0
        rows = [{"staff_id": m.id, "name": m.name, "role": m.role.value, "active": active, "added_at": at}
                for m, active, at in staff.list()]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        elif not rows:
            print("no staff yet: add a manager with 'edgepos staff add --name NAME --role manager'")
        for row in [] if args.json else rows:
            state = "" if row["active"] else "  (inactive)"
            print(f"{row['name']:<24} {row['role']:<8} added {row['added_at']}{state}")
        return 0
    finally:
        db.close()
