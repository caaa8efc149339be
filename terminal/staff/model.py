"""Staff members, their roles, and the actions a cashier needs a manager's PIN for."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a staff member may do: a manager also approves what a cashier may not do alone."""

    CASHIER = "cashier"
    MANAGER = "manager"


class Approval(StrEnum):
    """An action that needs a manager's PIN."""

    REFUND = "refund"
    VOID_AFTER_TENDER = "void_after_tender"      # taking a line off after payment started
    DISCOUNT = "discount"                        # a discount over [staff] discount_approval_percent
    NO_SALE = "no_sale"                          # opening the drawer without a sale
    OFFLINE_OVER_LIMIT = "offline_over_limit"    # accepting a wallet payment offline over the caps


@dataclass(frozen=True)
class StaffMember:
    """One person who works the till; `id` is what sales, refunds and cash moves record."""

    id: str
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        """True for a manager (who may approve)."""
        return self.role is Role.MANAGER
