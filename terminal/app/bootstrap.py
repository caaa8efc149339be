"""The composition root: builds the terminal's services from config; tests pass fakes for ports."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from terminal.app.devices import KioskDevices, build_printer, virtual_printer
from terminal.app.terminal_key import load_secret
from terminal.config.live import LiveSettings
from terminal.config.remote import RemoteSettings, settings_from_json
from terminal.config.settings import Config, OfflineConfig
from terminal.face.vault import FaceVault
from terminal.members.coupons import CouponService
from terminal.members.service import MemberService
from terminal.ports import Clock, Printer, SystemClock
from terminal.sales.catalog import Catalog, load_catalog
from terminal.sales.receipts import ShopInfo
from terminal.sales.tender_snapshot import tender_of_till
from terminal.sales.till import Till
from terminal.scanning.frame_feed import FrameFeed
from terminal.shift.service import ShiftService
from terminal.staff.service import StaffService
from terminal.store.coupons import CouponStore
from terminal.store.db import Database
from terminal.store.members import MemberStore
from terminal.store.outbox import OutboxStore
from terminal.store.sales import SaleStore
from terminal.store.shifts import ShiftStore
from terminal.store.staff import StaffStore
from terminal.store.sync_store import SyncStore

__all__ = ["Kiosk", "Terminal", "build_kiosk", "build_terminal", "load_secret"]

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
    settings: LiveSettings                         # the config file's, overridden by the shop's last push
    staff: StaffService                            # who works the till; a manager's PIN approves
    code_payments: CodeAuthorizer | None = None   # wallet payments: only a kiosk built online has them
    qr_payments: QrPayments | None = None
    members: MemberService | None = None
    coupons: CouponService | None = None
    camera_feed: FrameFeed = field(default_factory=FrameFeed)   # the capture thread's frames, for previews

    @property
    def remote(self) -> RemoteSettings | None:
        """The settings the shop pushed last (None before any push)."""
        return self.settings.remote

    def apply_remote(self, settings: RemoteSettings) -> None:
        """Put settings pushed by the shop in force (receipt texts now, offline caps where read)."""
        self.settings.apply(settings)

    def offline_caps(self) -> OfflineConfig:
        """The offline limits in force: the config file's, overridden by the last remote push."""
        return self.settings.offline_caps()

    def close(self) -> None:
        """Release the printer (the virtual one stops its process) and the database."""
        self.printer.close()
        self.db.close()


def shop_info(config: Config) -> ShopInfo:
    """What the receipts say about the shop."""
    return ShopInfo(config.shop_name, config.shop_address, config.terminal_id, config.receipt_base_url,
                    config.receipt_header, config.receipt_footer, config.display_currency, config.display_rate,
                    config.timezone)


def build_members(config: Config, data_dir: Path, db: Database, outbox: OutboxStore, clock: Clock,
                  secret: bytes) -> tuple[MemberService, CouponService]:
    """Members and coupons; face templates use a key of their own (keys/face.key), read only when needed."""
    members = MemberService(MemberStore(db), outbox, FaceVault(data_dir / "keys" / "face.key"), clock, secret,
                            config.currency, config.members.points_per_unit)
    return members, CouponService(CouponStore(db), clock, config.currency)


def open_staff(data_dir: Path) -> tuple[Database, StaffService]:
    """The database with the staff list only: for `edgepos staff`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(data_dir / "terminal.db")
    return db, StaffService(StaffStore(db), SystemClock())


def open_members(config: Config, data_dir: Path) -> tuple[Database, MemberService, CouponService]:
    """The database with members and coupons only (no printer, no catalog): for `edgepos members`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = load_secret(data_dir)
    db = Database(data_dir / "terminal.db")
    members, coupons = build_members(config, data_dir, db, OutboxStore(db, config.terminal_id, secret),
                                     SystemClock(), secret)
    return db, members, coupons


@dataclass(frozen=True)
class Kiosk:
    """What `edgepos kiosk` runs, complete when built: the terminal with its wallet payments, and their link."""

    terminal: Terminal
    link: SyncLink      # not started: the caller runs its thread for as long as the kiosk runs


def build_kiosk(config: Config, data_dir: Path) -> Kiosk:
    """The kiosk's one factory: the terminal on the configured devices, its wallet payments over the sync link."""
    terminal, link = _build(config, data_dir, None, None, None, online=True)
    assert link is not None
    return Kiosk(terminal, link)


def build_terminal(config: Config, data_dir: Path, *, printer: Printer | None = None,
                   clock: Clock | None = None, catalog: Catalog | None = None) -> Terminal:
    """Build the terminal from config, without wallet payments; any port may be replaced (tests pass fakes)."""
    return _build(config, data_dir, printer, clock, catalog, online=False)[0]


def _build(config: Config, data_dir: Path, printer: Printer | None, clock: Clock | None, catalog: Catalog | None,
           online: bool) -> tuple[Terminal, SyncLink | None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    clock = clock or SystemClock()
    catalog = catalog or load_catalog(config.catalog_path, config.currency)
    secret = load_secret(data_dir)
    printer = printer or build_printer(config, data_dir)
    db = Database(data_dir / "terminal.db")
    outbox = OutboxStore(db, config.terminal_id, secret)
    shifts = ShiftService(db, ShiftStore(db, config.terminal_id), outbox, clock, config.currency)
    members, coupons = build_members(config, data_dir, db, outbox, clock, secret)
    staff = StaffService(StaffStore(db), clock)
    till = Till(db, catalog, shifts, SaleStore(db), outbox, printer, clock, shop_info(config), secret,
                config.receipt_width, members=members, coupons=coupons, staff=staff,
                discount_approval_percent=config.discount_approval_percent)
    settings = LiveSettings(config, till)
    stored = SyncStore(db).state().get("remote_config")
    if stored:
        settings.apply(settings_from_json(stored, config.currency))
    link: SyncLink | None = None
    code: CodeAuthorizer | None = None
    qr: QrPayments | None = None
    if online:   # payments are stored first; the link forwards them whenever it can
        link = _sync_link(config, db, data_dir, settings)
        code, qr = _payments(config, db, link, settings, clock)
        till.refunds.acquirer = code.acquirer   # wallet refunds go through the same acquirer link
        till.refunds.timeout = float(config.payments.request_timeout_s)
        code.tender_of = tender_of_till(till)   # the sale in tender is stored with each attempt
    terminal = Terminal(config, data_dir, db, catalog, till, shifts, outbox, printer, KioskDevices(), settings,
                        staff, code, qr, members=members, coupons=coupons)
    return terminal, link


def build_demo_terminal(config: Config, data_dir: Path) -> Terminal:
    """The terminal of `edgepos demo --ui`: whatever the config says, it prints to the virtual printer."""
    return build_terminal(config, data_dir, printer=virtual_printer(config, data_dir))


def build_sync_link(terminal: Terminal) -> SyncLink:
    """The outbox drain for this terminal's broker settings; remote config pushes apply to `terminal`."""
    return _sync_link(terminal.config, terminal.db, terminal.data_dir, terminal.settings)


def _sync_link(config: Config, db: Database, data_dir: Path, live: LiveSettings) -> SyncLink:
    from sync.link import SyncLink
    from sync.mqtt import BrokerSettings
    broker = config.broker
    settings = BrokerSettings.from_url(broker.url, broker.username, broker.password, broker.ca_file)
    return SyncLink(db, config.terminal_id, settings, config.currency, on_config=live.apply,
                    keys_dir=data_dir / "keys")


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
    code, qr = _payments(terminal.config, terminal.db, link, terminal.settings, clock)
    code.tender_of = tender_of_till(terminal.till)
    return code, qr


def _payments(config: Config, db: Database, link: SyncLink, live: LiveSettings, clock: Clock | None
              ) -> tuple[CodeAuthorizer, QrPayments]:
    from sync.rpc import MqttAcquirer
    from terminal.payments.code_payment import CodeAuthorizer, PaymentTimings
    from terminal.payments.offline import OfflineGate
    from terminal.payments.ownership import process_owner
    from terminal.payments.qr_payment import QrMerchant, QrPayments
    from terminal.payments.risk import RiskGuard
    from terminal.store.attempts import AttemptStore
    from terminal.store.risk import RiskStore
    clock = clock or SystemClock()
    pay = config.payments
    risk = RiskGuard(RiskStore(db), clock, velocity_max=pay.velocity_max,
                     velocity_window_s=pay.velocity_window_s)
    timings = PaymentTimings(pay.request_timeout_s, pay.query_interval_s, pay.query_window_s)
    owner = process_owner(db.path.parent).token   # attempts carry it: recovery never takes a live process's
    authorizer = CodeAuthorizer(MqttAcquirer(link.rpc), AttemptStore(db, owner), clock, config.terminal_id,
                                timings, offline_gate=OfflineGate(db, live.offline_caps, clock),
                                check_code=risk.admit)
    merchant = QrMerchant(config.shop_name, pay.qr_city, pay.qr_country, pay.merchant_id)
    return authorizer, QrPayments(authorizer, merchant)
