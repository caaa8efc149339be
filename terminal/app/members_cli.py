"""`edgepos members`: add, list and delete members, record consents, add coupons.

Phones are shown masked, templates never.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from terminal.app.balance_cli import BALANCE_ACTIONS, add_balance_actions, cmd_balance
from terminal.config.settings import Config
from terminal.errors import MemberError
from terminal.store.members import Member

if TYPE_CHECKING:
    from terminal.members.service import MemberService
    from terminal.store.db import Database


def add_members_parser(sub: Any) -> None:
    """The `members` subcommands."""
    members = sub.add_parser("members", help="membership: add, list, delete members; consents; coupons;"
                                                  " prepaid balance (top-ups)")
    actions = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a member; prints JSON with member_id")
    add.add_argument("--name", required=True, help="the member's name")
    add.add_argument("--phone", required=True, help="phone in international format, e.g. +8613812345678")
    add.add_argument("--face-consent", action="store_true", help="the member consented to face-pay (face data)")
    add.add_argument("--marketing-consent", action="store_true", help="the member agreed to marketing messages")
    consent = actions.add_parser("consent", help="record or withdraw an existing member's consents (with the time)")
    consent.add_argument("member_id", help="the member's id")
    consent.add_argument("--face", action=argparse.BooleanOptionalAction, default=None,
                         help="consent to face-pay (face data); --no-face withdraws it and deletes the face templates")
    consent.add_argument("--marketing", action=argparse.BooleanOptionalAction, default=None,
                         help="agreement to marketing messages; --no-marketing withdraws it")
    listing = actions.add_parser("list", help="list members (phones masked)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    delete = actions.add_parser("delete", help="delete a member with every face template, then compact the DB")
    delete.add_argument("member_id", help="the member's id")
    coupon = actions.add_parser("coupon-add", help="add a single-use coupon (percent or amount off the cart)")
    coupon.add_argument("--code", required=True, help="the code the cashier types or scans")
    off = coupon.add_mutually_exclusive_group(required=True)
    off.add_argument("--percent", help="percent off the cart, e.g. 10 or 12.5")
    off.add_argument("--amount", help="amount off the cart in the home currency, e.g. 5.00")
    coupon.add_argument("--min-spend", default="0", help="minimum spend before the coupon applies")
    coupon.add_argument("--expires", default=None, help="last day it can be used, YYYY-MM-DD")
    coupon.add_argument("--member", default=None, help="only this member may use it")
    add_balance_actions(actions)


def member_json(member: Member, points: bool = True) -> dict[str, Any]:
    """What the CLI shows of a member: the phone masked, no face data."""
    out: dict[str, Any] = {"member_id": member.id, "name": member.name, "phone": member.masked_phone,
                           "created_at": member.created_at, "face_pay_opt_in": member.face_pay_opt_in,
                           "consent_face_at": member.consent_face_at,
                           "consent_marketing_at": member.consent_marketing_at}
    if points:
        out["points"] = member.points
    return out


def cmd_members(args: argparse.Namespace, config: Config, data_dir: Path) -> int:
    """Run one `members` action; an EdgeposError goes up to main (one line on stderr, exit 1)."""
    from terminal.app.bootstrap import open_members
    if args.members_command in BALANCE_ACTIONS:
        return cmd_balance(args, config, data_dir)
    db, members, coupons = open_members(config, data_dir)
    try:
        action = args.members_command
        if action == "add":
            member = members.add(args.name, args.phone, args.face_consent, args.marketing_consent)
            _print({**member_json(member, points=False), "card": member.card})
        elif action == "list":
            everyone = members.list()
            if args.json:
                _print([{**member_json(m), "templates": members.store.template_count(m.id)} for m in everyone])
            else:
                for m in everyone:
                    face = "face-pay" if m.face_pay_opt_in else "-"
                    print(f"{m.id}  {m.masked_phone:<10} {m.points:>7} pts  {face:<8} {m.name}")
                print(f"{len(everyone)} member(s)")
        elif action == "consent":
            _consent(args, members, db)
        elif action == "delete":
            removed = members.delete(args.member_id)
            db.vacuum()  # the freed pages are zeroed (secure_delete); this also empties the WAL
            _print({"deleted": args.member_id, "templates_removed": removed})
        else:
            c = coupons.add(args.code, percent=args.percent, amount=args.amount, min_spend=args.min_spend,
                            expires=args.expires, member_id=args.member)
            _print({"code": c.code, "kind": c.kind, "off": c.describe(), "min_spend": c.min_spend.amount_str(),
                    "currency": c.min_spend.currency, "expires": c.expires.isoformat() if c.expires else None,
                    "member_id": c.member_id})
        return 0
    finally:
        db.close()


def _consent(args: argparse.Namespace, members: MemberService, db: Database) -> None:
    if args.face is None and args.marketing is None:
        raise MemberError("say which consent to record: --face or --no-face, --marketing or --no-marketing")
    member, removed = members.change_consent(args.member_id, face=args.face, marketing=args.marketing)
    if removed:
        db.vacuum()  # withdrawn consent: the templates' freed pages leave the file too, as on delete
    _print({**member_json(member), "templates_removed": removed})


def _print(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))
