"""The composition root: builds the terminal's services from config; tests pass fakes for ports."""
from __future__ import annotations

import os
import sys
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from terminal.sales.catalog import Catalog, load_catalog
from terminal.config.settings import Config, OfflineConfig
from terminal.members.coupons import CouponService
from terminal.errors import ConfigError, StoreError
from terminal.face.vault import FaceVault
from terminal.scanning.frame_feed import FrameFeed
from terminal.members.service import MemberService
from terminal.ports import Clock, Printer, SystemClock
from terminal.sales.receipts import ShopInfo
from terminal.app.devices import KioskDevices, build_printer, virtual_printer
from terminal.config.remote import RemoteSettings, settings_from_json
from terminal.shift.service import ShiftService
from terminal.store.coupons import CouponStore
from terminal.store.db import Database
from terminal.store.members import MemberStore
from terminal.store.outbox import OutboxStore
from terminal.store.sales import SaleStore
from terminal.store.shifts import ShiftStore
from terminal.store.sync_store import SyncStore
from terminal.sales.till import Till

if TYPE_CHECKING:
    from sync.link import SyncLink
    from terminal.payments.code_payment import CodeAuthorizer
    from terminal.payments.qr_payment import QrPayments


@dataclass
class Terminal:
    """Everything a running terminal is made of."""

    config: Config
    data_dir: Path
    db: Database
    catalog: Catalog
    till: Till
    shifts: ShiftService
    outbox: OutboxStore
    printer: Printer
    devices: KioskDevices                          # what the kiosk's screens open on demand (camera, face engine)
    remote: RemoteSettings | None = None
    code_payments: CodeAuthorizer | None = None   # set by the kiosk once its link runs (build_payments)
    qr_payments: QrPayments | None = None
    members: MemberService | None = None
    coupons: CouponService | None = None
    camera_feed: FrameFeed = field(default_factory=FrameFeed)   # the capture thread's frames, for previews

    def apply_remote(self, settings: RemoteSettings) -> None:
        """Put settings pushed by the shop in force (receipt texts now, offline caps where read)."""
        # Each push is whole: what it leaves out falls back to the config file, not to the previous push.
        header = self.config.receipt_header if settings.receipt_header is None else settings.receipt_header
        footer = self.config.receipt_footer if settings.receipt_footer is None else settings.receipt_footer
        self.till.shop = replace(self.till.shop, header=header, footer=footer)
        self.remote = settings

    def offline_caps(self) -> OfflineConfig:
        """The offline limits in force: the config file's, overridden by the last remote push."""
        base, remote = self.config.offline, self.remote
        if remote is None:
            return base
        return OfflineConfig(remote.per_payment_cap or base.per_payment_cap, remote.total_cap or base.total_cap,
                             remote.max_age_hours or base.max_age_hours)

    def close(self) -> None:
        """Release the printer (the virtual one stops its process) and the database."""
        self.printer.close()
        self.db.close()


def load_secret(data_dir: Path) -> bytes:
    """The terminal's signing secret from `keys/terminal.key` (mode 0600), created on first use."""
    keys = data_dir / "keys"
    path = keys / "terminal.key"
    if not path.exists():
        _write_new_secret(keys, path)
    try:
        secret = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as err:
        raise ConfigError(f"{path}: the terminal key cannot be read ({err}); restore it from backup") from err
    if len(secret) < 16:
        raise ConfigError(f"{path}: the terminal key is too short; delete it to make a new one")
    return secret


def _write_new_secret(keys: Path, path: Path) -> None:
    """A fresh key, written aside and linked into place; on any failure the aside file goes too."""
    tmp = keys / f".terminal.key.{os.getpid()}"   # so a crash never leaves a half-written key behind
    try:
        keys.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, path)  # unlike rename, never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as err:
        raise StoreError(f"{path}: the terminal key cannot be created ({err.strerror or err}): free space on the"
                         f" disk holding {keys} (or make it writable for this user), then start again") from None


def shop_info(config: Config) -> ShopInfo:
    """What the receipts say about the shop."""
    return ShopInfo(config.shop_name, config.shop_address, config.terminal_id, config.receipt_base_url,
                    config.receipt_header, config.receipt_footer, config.display_currency, config.display_rate)


def build_members(config: Config, data_dir: Path, db: Database, outbox: OutboxStore, clock: Clock,
                  secret: bytes) -> tuple[MemberService, CouponService]:
    """Members and coupons; face templates use a key of their own (keys/face.key), read only when needed."""
    members = MemberService(MemberStore(db), outbox, FaceVault(data_dir / "keys" / "face.key"), clock, secret,
                            config.currency, config.members.points_per_unit)
    return members, CouponService(CouponStore(db), clock, config.currency)


def open_members(config: Config, data_dir: Path) -> tuple[Database, MemberService, CouponService]:
    """The database with members and coupons only (no printer, no catalog): for `edgepos members`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = load_secret(data_dir)
    db = Database(data_dir / "terminal.db")
    members, coupons = build_members(config, data_dir, db, OutboxStore(db, config.terminal_id, secret),
                                     SystemClock(), secret)
    return db, members, coupons


def build_terminal(config: Config, data_dir: Path, *, printer: Printer | None = None,
                   clock: Clock | None = None, catalog: Catalog | None = None) -> Terminal:
    """Build the terminal from config; any port may be replaced (tests pass fakes)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    clock = clock or SystemClock()
    catalog = catalog or load_catalog(config.catalog_path, config.currency)
    secret = load_secret(data_dir)
    printer = printer or build_printer(config, data_dir)
    db = Database(data_dir / "terminal.db")
    outbox = OutboxStore(db, config.terminal_id, secret)
    shifts = ShiftService(db, ShiftStore(db, config.terminal_id), outbox, clock, config.currency)
    members, coupons = build_members(config, data_dir, db, outbox, clock, secret)
    till = Till(db, catalog, shifts, SaleStore(db), outbox, printer, clock, shop_info(config), secret,
                config.receipt_width, members=members, coupons=coupons)
    terminal = Terminal(config, data_dir, db, catalog, till, shifts, outbox, printer, KioskDevices(),
                        members=members, coupons=coupons)
    stored = SyncStore(db).state().get("remote_config")
    if stored:
        terminal.apply_remote(settings_from_json(stored, config.currency))
    return terminal


def build_demo_terminal(config: Config, data_dir: Path) -> Terminal:
    """The terminal of `edgepos demo --ui`: whatever the config says, it prints to the virtual printer."""
    return build_terminal(config, data_dir, printer=virtual_printer(config, data_dir))


def build_sync_link(terminal: Terminal) -> SyncLink:
    """The outbox drain for this terminal's broker settings; remote config pushes apply to `terminal`."""
    from sync.link import SyncLink
    from sync.mqtt import BrokerSettings
    broker = terminal.config.broker
    settings = BrokerSettings.from_url(broker.url, broker.username, broker.password, broker.ca_file)
    return SyncLink(terminal.db, terminal.config.terminal_id, settings, terminal.config.currency,
                    on_config=terminal.apply_remote, keys_dir=terminal.data_dir / "keys")


def prepare_config(path: Path, explicit: bool) -> Config:
    """Load the config; the default location gets the shipped defaults on first run, an explicit path must exist."""
    from terminal.config.settings import ensure_config, load_config
    if not explicit and ensure_config(path):
        print(f"edgepos: wrote a default config to {path} (simulated devices); edit it for this shop",
              file=sys.stderr)
    return load_config(path)


def build_payments(terminal: Terminal, link: SyncLink, clock: Clock | None = None
                   ) -> tuple[CodeAuthorizer, QrPayments]:
    """Wallet-code and merchant-QR payments over the link, with the risk rules and the offline policy."""
    from sync.rpc import MqttAcquirer
    from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
    from terminal.payments.offline import OfflineGate
    from terminal.payments.qr_payment import QrMerchant, QrPayments
    from terminal.payments.risk import RiskGuard
    from terminal.store.attempts import AttemptStore
    from terminal.store.risk import RiskStore
    clock = clock or SystemClock()
    pay = terminal.config.payments
    risk = RiskGuard(RiskStore(terminal.db), clock, velocity_max=pay.velocity_max,
                     velocity_window_s=pay.velocity_window_s)
    timings = PaymentTimings(pay.request_timeout_s, pay.query_interval_s, pay.query_window_s)
    authorizer = CodeAuthorizer(MqttAcquirer(link.rpc), AttemptStore(terminal.db), clock, terminal.config.terminal_id,
                                timings, offline_gate=OfflineGate(terminal.db, terminal.offline_caps, clock),
                                check_code=risk.admit)
    merchant = QrMerchant(terminal.config.shop_name, pay.qr_city, pay.qr_country, pay.merchant_id)
    return authorizer, QrPayments(authorizer, merchant)
