"""The `edgepos emv` and `edgepos paycode` subcommands; runs stand-alone as `python -m terminal.app.tools_cli`."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from terminal.payments.emv import EmvError, MerchantQR, edgepos_account, encode
from terminal.payments.emv_decode import inspect
from terminal.payments.paycodes import classify


def add_emv_parser(sub: Any) -> None:
    """The `emv` subcommands: encode a merchant-presented QR payload, or decode and validate one."""
    emv = sub.add_parser("emv", help="EMVCo merchant-presented QR: encode a payload, or decode and check one")
    actions = emv.add_subparsers(dest="emv_command", metavar="ACTION", required=True)
    enc = actions.add_parser("encode", help="print the payload of a dynamic merchant-presented QR")
    enc.add_argument("--name", required=True, help="merchant name (at most 25 characters)")
    enc.add_argument("--city", required=True, help="merchant city (at most 15 characters)")
    enc.add_argument("--amount", default=None, help="amount, e.g. 12.34 (omit to let the customer enter it)")
    enc.add_argument("--currency", required=True, help="ISO 4217 code, e.g. CNY, or its number, e.g. 156")
    enc.add_argument("--country", required=True, help="ISO 3166 two-letter country, e.g. CN")
    enc.add_argument("--bill", default=None, help="bill number: the sale id (at most 25 characters)")
    enc.add_argument("--mcc", default="5411", help="merchant category code (default 5411, grocery)")
    enc.add_argument("--merchant-id", default=None, help="merchant id in our account template (tag 26, sub-tag 01)")
    enc.add_argument("--static", action="store_true", help="a static QR (tag 01 = 11) instead of dynamic")
    dec = actions.add_parser("decode", help="check a payload's structure and CRC and print its fields as JSON, "
                                          "with a warning for each mandatory tag it lacks")
    dec.add_argument("payload", help="the QR payload text (quote it: it may contain spaces)")


def add_paycode_parser(sub: Any) -> None:
    """The `paycode` subcommands: classify a customer-presented payment code."""
    paycode = sub.add_parser("paycode", help="customer payment codes: which wallet, valid or not")
    actions = paycode.add_subparsers(dest="paycode_command", metavar="ACTION", required=True)
    classify_cmd = actions.add_parser("classify", help="print the wallet of a code as JSON (exit 1 when invalid)")
    classify_cmd.add_argument("code", help="the scanned code")


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False))


def cmd_emv(args: argparse.Namespace) -> int:
    """Run `emv encode` (prints the payload) or `emv decode` (prints JSON, exit 1 when invalid)."""
    if args.emv_command == "encode":
        qr = MerchantQR(merchant_name=args.name, merchant_city=args.city, country=args.country.upper(),
                        currency=args.currency.upper(), amount=args.amount, bill_number=args.bill, mcc=args.mcc,
                        merchant_account=(edgepos_account(args.merchant_id),), dynamic=not args.static)
        print(encode(qr))
        return 0
    try:
        found = inspect(args.payload)
    except EmvError as err:
        _print_json({"valid": False, "error": str(err)})
        return 1
    # Structure and CRC are sound; tags the specification calls mandatory but real payloads omit are warnings.
    _print_json({"valid": True, "crc": found.crc, "crc_ok": True, "structure_ok": True,
                 "warnings": list(found.warnings), "fields": found.fields})
    return 0


def cmd_paycode(args: argparse.Namespace) -> int:
    """Run `paycode classify`: prints JSON, exit 0 for a valid payment code and 1 otherwise."""
    code = classify(args.code)
    result: dict[str, Any] = {"scheme": code.scheme, "valid": code.valid, "masked": code.masked}
    if not code.valid:
        result["reason"] = code.reason
    _print_json(result)
    return 0 if code.valid else 1


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point with only the emv and paycode commands."""
    parser = argparse.ArgumentParser(prog="edgepos", description="edgepos payment code and EMV QR tools")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_emv_parser(sub)
    add_paycode_parser(sub)
    args = parser.parse_args(argv)
    try:
        return cmd_emv(args) if args.command == "emv" else cmd_paycode(args)
    except EmvError as err:
        print(f"edgepos: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
