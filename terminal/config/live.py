"""The settings in force on a running terminal: the config file's, overridden by the last push from the shop."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from terminal.config.remote import RemoteSettings
from terminal.config.settings import Config, OfflineConfig

if TYPE_CHECKING:
    from terminal.sales.till import Till


class LiveSettings:
    """Receipt texts and offline caps as pushed (`remote`, None before any push) over the config file's."""

    def __init__(self, config: Config, till: Till) -> None:
        self.config, self.till = config, till
        self.remote: RemoteSettings | None = None

    def apply(self, settings: RemoteSettings) -> None:
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
