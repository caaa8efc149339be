"""Kiosk translations: the observable current language over the texts of ui/translations/.

In kv: `#:import tr ui.i18n.tr` then `text: tr._('Pay cash')`; the label is re-evaluated when the
language changes (binding to `tr._` binds to `tr.lang`). In Python: `tr._("Cashier {name}").format(...)`.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import StringProperty

from ui.translations import N_, TEXTS

__all__ = ["LANGUAGES", "N_", "TEXTS", "Translator", "tr"]

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "zh": "中文", "vi": "Tiếng Việt"}
SETTINGS_FILE = "kiosk.json"  # in the data dir, next to the database


class Translator(EventDispatcher):
    """The current language; `_()` translates, and kv rules using `tr._(...)` re-render when it changes."""

    lang = StringProperty("en")

    def _(self, msgid: str) -> str:
        """The text for msgid in the current language (the English msgid when there is none)."""
        if self.lang == "en":
            return msgid
        return TEXTS.get(msgid, {}).get(self.lang, msgid)

    def fbind(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """kv binds `tr._` here: watch the language instead."""
        return super().fbind("lang" if name == "_" else name, func, *args, **kwargs)

    def funbind(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Undo fbind, with the same mapping of `_` to the language."""
        return super().funbind("lang" if name == "_" else name, func, *args, **kwargs)

    def unbind_uid(self, name: str, uid: int) -> Any:
        """Undo a kv binding, with the same mapping of `_` to the language."""
        return super().unbind_uid("lang" if name == "_" else name, uid)

    def load(self, data_dir: Path) -> str:
        """Take the language saved in the data dir (English when none or unreadable); returns it."""
        try:
            saved = json.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8")).get("language", "en")
        except (OSError, ValueError, AttributeError):
            saved = "en"
        self.lang = saved if saved in LANGUAGES else "en"
        return self.lang

    def switch(self, code: str, data_dir: Path | None = None) -> None:
        """Change the language (every bound label re-renders) and save it in the data dir."""
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}: one of {', '.join(LANGUAGES)}")
        self.lang = code
        if data_dir is not None:
            path = data_dir / SETTINGS_FILE
            tmp = path.with_name(f".{SETTINGS_FILE}.{os.getpid()}")
            try:
                tmp.write_text(json.dumps({"language": code}), encoding="utf-8")
                tmp.replace(path)
            except OSError as err:
                log.warning("language not saved to %s: %s", path, err.strerror)


tr = Translator()
_ = tr._
