"""The kiosk's texts: English msgids with their Chinese (zh) and Vietnamese (vi) translations; no Kivy needed.

One module per area (screens, errors, cashier); a msgid is listed once across them (tests/unit/test_translations.py).
A msgid kept in a table and translated later is marked with N_() so that test finds it.
"""
from __future__ import annotations

from ui.translations import balance, cashier, errors, screens


def N_(msgid: str) -> str:
    """Mark a msgid that is translated later (where it is shown): returns it unchanged."""
    return msgid


TEXTS: dict[str, dict[str, str]] = {**screens.TEXTS, **errors.TEXTS, **cashier.TEXTS, **balance.TEXTS}
