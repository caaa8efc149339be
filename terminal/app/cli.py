"""The `edgepos` command: one entry point for cashiers, technicians and developers."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from simulators.commands import add_sim_parser, cmd_sim
from sync.commands import add_cloud_parser, add_sync_parser, cmd_cloud, cmd_sync
from terminal.app.face_cli import add_face_parser, cmd_face
from terminal.app.logs import setup_logging
from terminal.app.members_cli import add_members_parser, cmd_members
from terminal.app.payments_cli import add_payments_parser, cmd_payments
from terminal.app.sales_cli import add_sales_parser, cmd_sales
from terminal.app.staff_cli import add_staff_parser, cmd_staff
from terminal.app.tools_cli import add_emv_parser, add_paycode_parser, cmd_emv, cmd_paycode
from terminal.config.settings import Config
from terminal.errors import EdgeposError

LATER: dict[str, str] = {}   # commands listed before they ship: `edgepos NAME` then says so and exits 2


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 800x480, got {text!r}") from None
    return width, height


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of the design."""
    parser = argparse.ArgumentParser(prog="edgepos", description="edgepos point-of-sale terminal")
    parser.add_argument("--data-dir", type=Path, default=Path("var"),
                        help="directory for the database, keys, receipts and logs (default ./var)")
    parser.add_argument("--config", type=Path, default=None,
                        help="config file (default DATA_DIR/edgepos.toml, created with defaults if missing)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    kiosk = sub.add_parser("kiosk", help="run the kiosk app (under Xvfb when there is no display)")
    kiosk.add_argument("--size", type=_size, default=None, help="window size, e.g. 800x480 or 1280x800")
    kiosk.add_argument("--screenshot", type=Path, default=None, help="where to save the start-up screenshot")
    kiosk.add_argument("--exit-after", type=float, default=None, help="quit after this many seconds")
    demo = sub.add_parser("demo", help="a scripted cash sale end to end, printed on the configured printer")
    demo.add_argument("--ui", action="store_true", help="drive the sale through the kiosk UI")
    demo.add_argument("--out", type=Path, default=None, help="with --ui: where to write the screenshots")
    demo.add_argument("--pay", choices=["cash", "wallet", "qr"], default="cash",
                      help="wallet: charge --code through the configured acquirer; qr: the shop's QR (printed)")
    demo.add_argument("--code", action="store_true",
                      help="with --pay wallet: read the customer's payment code from stdin (never an argument: "
                           "every user can read the process list)")
    bench = sub.add_parser("bench", help="run a benchmark and print JSON figures")
    bench.add_argument("name", choices=["checkout", "sync", "decode", "face", "gateway"], help="which benchmark")
    bench.add_argument("--iterations", type=int, default=500, help="checkout: how many measured runs")
    bench.add_argument("--events", type=int, default=10_000, help="sync: how many events to queue")
    bench.add_argument("--frames", type=int, default=200, help="decode: frames of each kind")
    bench.add_argument("--terminals", type=int, default=50, help="gateway: simulated terminals")
    bench.add_argument("--rate", type=float, default=100.0, help="gateway: pay requests per second, in total")
    bench.add_argument("--seconds", type=float, default=20.0, help="gateway: how long to send")
    bench.add_argument("--provider", choices=["stub", "alipay"], default="stub",
                       help="gateway: a 5 ms in-process stub, or the Alipay sandbox through the real adapter")
    add_sync_parser(sub)
    add_sim_parser(sub)
    add_emv_parser(sub)
    doctor = sub.add_parser("doctor", help="check every device and service; a fix for each failure")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    add_paycode_parser(sub)
    add_cloud_parser(sub)
    add_members_parser(sub)
    add_face_parser(sub)
    add_sales_parser(sub)
    add_staff_parser(sub)
    add_payments_parser(sub)
    for name, what in LATER.items():
        later = sub.add_parser(name, help=f"{what} (not yet available)")
        later.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _config_path(args: argparse.Namespace) -> Path:
    return Path(args.config) if args.config else Path(args.data_dir) / "edgepos.toml"


def _load(args: argparse.Namespace) -> Config:
    """The validated config; logging starts only once it is sound, so a bad config writes nothing."""
    from terminal.app.bootstrap import prepare_config
    config = prepare_config(_config_path(args), explicit=args.config is not None)
    setup_logging(Path(args.data_dir))
    return config


def cmd_kiosk(args: argparse.Namespace) -> int:
    """Start the kiosk on the configured devices."""
    from terminal.app.bootstrap import build_kiosk
    from terminal.app.devices import start_code_inputs
    from terminal.app.recovery_run import run_in_background
    config = _load(args)
    kiosk = build_kiosk(config, Path(args.data_dir))
    terminal, link = kiosk.terminal, kiosk.link
    thread = link.start_thread()
    from ui.launcher import deliver_code, report_device_error, run_kiosk  # Kivy is loaded only for the kiosk
    inputs = start_code_inputs(config, deliver_code, report_device_error, terminal.camera_feed.publish)
    recovery = run_in_background(terminal, terminal.code_payments, announce=True) if terminal.code_payments else None
    try:
        return int(run_kiosk(terminal, size=args.size, screenshot=args.screenshot, exit_after=args.exit_after))
    finally:
        if recovery is not None:
            recovery.close()
        for device in inputs:
            device.stop()
        link.stop()
        thread.join(timeout=3)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Run the device and service checks."""
    from terminal.app.doctor_command import run_doctor
    return run_doctor(_load(args), Path(args.data_dir), args.json)


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the scripted demo sale and print its JSON summary last."""
    if args.ui:
        from datetime import datetime

        from terminal.app.bootstrap import build_demo_terminal
        from ui.demo_ui import run_ui_demo  # Kivy is loaded only for the UI demo
        data_dir = Path(args.data_dir)
        out = args.out or data_dir / "screenshots" / f"demo-{datetime.now():%Y%m%d-%H%M%S}"
        terminal = build_demo_terminal(_load(args), data_dir)
        print(json.dumps(run_ui_demo(terminal, out, say=print), ensure_ascii=False))
        return 0
    if args.out is not None:
        print("edgepos demo: --out is for the screenshots of --ui", file=sys.stderr)
        return 2
    from terminal.app.demo import run_demo, run_wallet_demo
    if (args.pay == "wallet") != args.code:
        print("edgepos demo: --pay wallet needs --code (the code on stdin), and --code needs --pay wallet",
              file=sys.stderr)
        return 2
    if args.pay != "cash":
        code = sys.stdin.readline().strip() if args.code else None
        result = run_wallet_demo(_load(args), Path(args.data_dir), code, say=print)
        print(json.dumps(result, ensure_ascii=False))
        return 0 if result["paid"] else 1
    result = run_demo(_load(args), Path(args.data_dir), say=print)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Run a benchmark; its JSON is the last line printed."""
    if args.name == "face":
        from bench.face import run_face_bench
        print(json.dumps(run_face_bench(say=print)))
        return 0
    if args.name == "decode":
        from bench.decode import run_decode_bench
        print(json.dumps(run_decode_bench(args.frames, say=print)))
        return 0
    if args.name == "gateway":
        from bench.gateway import run_gateway_bench
        print(json.dumps(run_gateway_bench(args.terminals, args.rate, args.seconds, args.provider, say=print)))
        return 0
    if args.name == "sync":
        from bench.sync import run_sync_bench
        print(json.dumps(run_sync_bench(args.events, say=print)))
        return 0
    from bench.checkout import run_checkout_bench
    if args.iterations < 10:
        raise EdgeposError("--iterations must be at least 10")
    print(json.dumps(run_checkout_bench(args.iterations, say=print)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "sim":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:  # a simulator's own options (argparse leaves those starting with '-' to us)
        args.args = [*extra, *args.args]
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "kiosk": cmd_kiosk, "demo": cmd_demo, "bench": cmd_bench,
        "sync": lambda a: cmd_sync(a, Path(a.data_dir), lambda: _load(a)),
        "cloud": lambda a: cmd_cloud(a, Path(a.data_dir)), "sim": cmd_sim,
        "emv": cmd_emv, "paycode": cmd_paycode, "doctor": cmd_doctor,
        "members": lambda a: cmd_members(a, _load(a), Path(a.data_dir)),
        "sales": lambda a: cmd_sales(a, _load(a), Path(a.data_dir)),
        "face": lambda a: cmd_face(a, _load(a), Path(a.data_dir)),
        "staff": lambda a: cmd_staff(a, Path(a.data_dir)),
        "payments": lambda a: cmd_payments(a, _load(a), Path(a.data_dir))}
    handler = handlers.get(args.command)
    if handler is None:
        print(f"edgepos {args.command}: {LATER[args.command]} is not yet available in this release",
              file=sys.stderr)
        return 2
    try:
        return handler(args)
    except EdgeposError as err:
        print(f"edgepos: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
