"""The `edgepos` console script as a technician runs it, for tests that start it as a real subprocess."""
from __future__ import annotations

import sys
from pathlib import Path


def edgepos_command(*args: str) -> list[str]:
    """The installed console script beside this interpreter (the module when not installed), with args."""
    script = Path(sys.executable).parent / "edgepos"
    return ([str(script)] if script.exists() else [sys.executable, "-m", "terminal.app.cli"]) + list(args)
