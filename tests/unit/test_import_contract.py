"""The import contract: the checker finds every kind of forbidden import in a small bad tree, nothing in a clean one."""
from __future__ import annotations

from pathlib import Path

from support.import_contract import Rule, Violation, check_tree

BAD_TREE = {
    "terminal/__init__.py": "",
    "terminal/sales/__init__.py": "",
    "terminal/sales/sale.py": (
        "import drivers.camera\n"                                   # 1
        "from sync.link import MqttLink\n"                          # 2
        "import cv2 as vision\n"                                    # 3
        "from sqlalchemy import text\n"                             # 4
        "\n"
        "def lazy() -> None:\n"
        "    from simulators.printer_process import SimulatedPrinter\n"  # 7
        "    if True:\n"
        "        import kivy.app\n"                                 # 9
    ),
    "terminal/sales/dynamic.py": (
        "import importlib\n"
        "import importlib as il\n"
        "from importlib import import_module as load\n"
        "importlib.import_module('bench.checkout')\n"               # 4
        "il.import_module('paho.mqtt.client')\n"                    # 5
        "load('ui.kiosk')\n"                                        # 6
        "__import__('serial')\n"                                    # 7
        "importlib.import_module(name_from_config)\n"               # not literal: not reported
    ),
    "terminal/sales/upward.py": (
        "from terminal.app.bootstrap import Terminal\n"            # 1: the core may not lean on the app layer
        "from terminal.application import thing\n"                # another package that merely starts alike
        "def later() -> None:\n"
        "    from terminal import app\n"                           # 4
    ),
    "terminal/app/__init__.py": "",
    "terminal/app/wiring.py": "import drivers.camera\nfrom sync.link import MqttLink\nimport kivy\n",
    "ui/__init__.py": "",
    "ui/screen.py": (
        "from terminal.app.wiring import build\n"
        "from drivers.camera import OpenCvCamera\n"                 # 2
        "def later() -> None:\n"
        "    import sync.outbox\n"                                  # 4
        "    __import__('simulators.camera')\n"                     # 5
        "import kivy\n"                                             # ui may use Kivy
    ),
}

CLEAN_TREE = {
    "terminal/__init__.py": "",
    "terminal/sales/__init__.py": "from . import money\n",
    "terminal/sales/money.py": "from decimal import Decimal\nimport importlib\nimportlib.import_module('json')\n",
    "terminal/sales/sale.py": "from terminal.sales.money import Decimal\nfrom .money import Decimal as D\n",
    "terminal/app/__init__.py": "",
    "terminal/app/cli.py": "import drivers.camera\nimport simulators\nimport bench\nimport ui.kiosk\nimport sync\n",
    "ui/__init__.py": "",
    "ui/kiosk.py": "import kivy\nfrom terminal.app.cli import main\nfrom terminal.sales.money import Decimal\n",
    "drivers/camera.py": "import cv2\nimport sync\n",
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_checker_reports_every_forbidden_import_of_a_bad_tree(tmp_path: Path) -> None:
    found = {(v.path, v.line, v.module, v.rule) for v in check_tree(write_tree(tmp_path, BAD_TREE))}
    core, ui = Rule.CORE_IMPORTS_EDGE, Rule.UI_IMPORTS_DEVICE
    assert found == {
        ("terminal/sales/sale.py", 1, "drivers.camera", core),
        ("terminal/sales/sale.py", 2, "sync.link", core),
        ("terminal/sales/sale.py", 3, "cv2", core),
        ("terminal/sales/sale.py", 4, "sqlalchemy", core),
        ("terminal/sales/sale.py", 7, "simulators.printer_process", core),
        ("terminal/sales/sale.py", 9, "kivy.app", core),
        ("terminal/sales/dynamic.py", 4, "bench.checkout", core),
        ("terminal/sales/dynamic.py", 5, "paho.mqtt.client", core),
        ("terminal/sales/dynamic.py", 6, "ui.kiosk", core),
        ("terminal/sales/dynamic.py", 7, "serial", core),
        ("terminal/sales/upward.py", 1, "terminal.app.bootstrap", Rule.CORE_IMPORTS_APP),
        ("terminal/sales/upward.py", 4, "terminal.app", Rule.CORE_IMPORTS_APP),
        ("ui/screen.py", 2, "drivers.camera", ui),
        ("ui/screen.py", 4, "sync.outbox", ui),
        ("ui/screen.py", 5, "simulators.camera", ui),
    }


def test_a_violation_names_file_line_and_rule() -> None:
    message = str(Violation("terminal/sales/sale.py", 7, "drivers.camera", Rule.CORE_IMPORTS_EDGE))
    assert message.startswith("terminal/sales/sale.py:7: [core-imports-edge] ")
    assert message.endswith(": drivers.camera")


def test_checker_reports_nothing_for_a_clean_tree(tmp_path: Path) -> None:
    assert check_tree(write_tree(tmp_path, CLEAN_TREE)) == []


def test_the_checkout_keeps_the_contract() -> None:
    root = Path(__file__).resolve().parents[2]
    assert [str(v) for v in check_tree(root)] == []
