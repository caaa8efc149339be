"""The kiosk's default font: one that has Chinese and Vietnamese glyphs (Kivy's Roboto has no CJK)."""
from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def find_cjk_font() -> str | None:
    """Path of a font covering CJK and Vietnamese, from known paths or fontconfig; None if absent."""
    for candidate in KNOWN_FONTS:
        if Path(candidate).is_file():
            return candidate
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                                   capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).is_file() and "cjk" in found.lower():
            return found
    return None


def register_default_font() -> str | None:
    """Make the CJK font Kivy's default for every Label and TextInput; returns its path."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = find_cjk_font()
    if path is None:
        log.warning("no CJK font found (sudo apt-get install fonts-noto-cjk): Chinese text will show as boxes")
        return None
    LabelBase.register(DEFAULT_FONT, path)
    return path
