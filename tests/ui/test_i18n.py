"""The translation table covers every msgid the screens and the banner use, with the same placeholders."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

REPO = Path(__file__).resolve().parents[2]
KV_OR_PY = re.compile(r"""tr\._\((?:"([^"]+)"|'([^']+)')\)""")
BANNER = re.compile(r"""\btr\((?:"([^"]+)"|'([^']+)')\)""")


def msgids() -> set[str]:
    """Every literal passed to tr._() in ui/, and to the translator parameter of the offline banner."""
    found: set[str] = set()
    for path in [*REPO.glob("ui/**/*.py"), *REPO.glob("ui/**/*.kv")]:
        found |= {a or b for a, b in KV_OR_PY.findall(path.read_text(encoding="utf-8"))}
    banner = (REPO / "terminal" / "link" / "offline_banner.py").read_text(encoding="utf-8")
    return found | {a or b for a, b in BANNER.findall(banner)}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_msgid_has_chinese_and_vietnamese_with_the_same_placeholders() -> None:
    from ui.i18n import TEXTS

    used = msgids()
    assert {"Pay cash", "Tap to start", "Run checks", "OFFLINE", "{n} payments waiting"} <= used
    missing = sorted(m for m in used if set(TEXTS.get(m, {})) != {"zh", "vi"})
    assert not missing, f"no zh/vi text for: {missing}"
    for msgid, texts in TEXTS.items():
        for lang, text in texts.items():
            assert fields(text) == fields(msgid), f"{lang} {text!r} has other placeholders than {msgid!r}"


def test_unknown_language_is_refused_and_a_bad_settings_file_means_english(tmp_path: Path) -> None:
    from ui.i18n import Translator

    tr = Translator()
    with pytest.raises(ValueError, match="unknown language"):
        tr.switch("fr")
    (tmp_path / "kiosk.json").write_text("{not json", encoding="utf-8")
    assert tr.load(tmp_path) == "en"
    tr.switch("zh", tmp_path)
    assert Translator().load(tmp_path) == "zh" and tr._("Pay cash") == "现金支付" and tr._("no such") == "no such"
