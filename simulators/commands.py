"""`edgepos sim ...`: the hardware and service simulators a technician runs on a laptop."""
from __future__ import annotations

import argparse
import importlib
from typing import Any

SIMULATORS = {
    "acquirer": ("simulators.acquirer", "a wallet acquirer answering pay/query/reverse/refund by script"),
    "alipay": ("simulators.alipay_sandbox.cli", "an Alipay OpenAPI sandbox (RSA2, /gateway.do, notifications, bills)"),
    "wechatpay": ("simulators.wechatpay_sandbox.cli", "a WeChat Pay API v2 sandbox over HTTPS, scripted faults"),
    "scanner": ("simulators.scanner", "a serial barcode scanner on a pty"),
    "camera": ("simulators.camera", "camera frames from images, a video, or synthesized payment codes"),
    "printer": ("simulators.printer", "a virtual ESC/POS printer on a pty: PNG and text per receipt"),
}


def add_sim_parser(sub: Any) -> None:
    """The `sim` subcommands; each simulator parses its own options."""
    sim = sub.add_parser("sim", help="hardware simulators (acquirer, scanner, camera, printer)")
    kinds = sim.add_subparsers(dest="sim_kind", metavar="DEVICE", required=True)
    for name, (_module, what) in SIMULATORS.items():
        kind = kinds.add_parser(name, help=what, add_help=False)
        kind.add_argument("args", nargs=argparse.REMAINDER)


def cmd_sim(args: argparse.Namespace) -> int:
    """Run one simulator in the foreground until it is stopped."""
    module = importlib.import_module(SIMULATORS[args.sim_kind][0])
    return int(module.main(args.args))
