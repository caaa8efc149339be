"""Every text the kiosk shows goes through the translator, and every msgid has Chinese and Vietnamese (no Kivy)."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from terminal.errors import PaymentRefusal
from terminal.face.pay import FacePayStep, FaceStep
from terminal.face.policy import FaceRefusal
from terminal.sales.receipts import METHOD_NAMES
from ui.facepay.texts import FACE_HINTS, REFUSALS, face_hint, refusal_text
from ui.sale.refusals import PAYMENT_REFUSALS, payment_refusal_text
from ui.translations import TEXTS

REPO = Path(__file__).resolve().parents[2]
UI = REPO / "ui"
TRANSLATORS = {"_", "N_", "tr"}                # tr._(...) is an attribute call named "_"
KV_MSGID = re.compile(r"""tr\._\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
# ui/demo_ui.py's say() prints to the console of `edgepos demo --ui`, not to a kiosk screen
CONSOLE_ONLY = {UI / "demo_ui.py"}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def msgids_in_python(path: Path) -> list[tuple[str, int, str]]:
    """(msgid, line, problem) for each literal given to _()/N_()/tr(), and each say() of untranslated text."""
    found: list[tuple[str, int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name, arg = _called(node), node.args[0]
        if name in TRANSLATORS:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((arg.value, node.lineno, ""))
            elif isinstance(arg, ast.JoinedStr):
                found.append((ast.unparse(arg), node.lineno, "an f-string is not a msgid: format after translating"))
        elif name == "say" and path not in CONSOLE_ONLY:
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip()
            if literal or isinstance(arg, ast.JoinedStr):
                found.append((ast.unparse(arg), node.lineno, "say() of text that does not go through the translator"))
    return found


def msgids_in_kv(path: Path) -> list[tuple[str, int, str]]:
    """(msgid, line, "") for each literal given to tr._() in a kv file."""
    found: list[tuple[str, int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for double, single in KV_MSGID.findall(line):
            found.append((ast.literal_eval(f'"{double}"') if double else ast.literal_eval(f"'{single}'"), number, ""))
    return found


def every_msgid() -> dict[str, list[str]]:
    """msgid -> where it is used ("ui/file.py:12"), plus the problems found as msgid "!problem"."""
    used: dict[str, list[str]] = {}
    banner = REPO / "terminal" / "link" / "offline_banner.py"     # banner_text takes the translator as `tr`
    for path in [*sorted([*UI.rglob("*.py"), *UI.rglob("*.kv")]), banner]:
        finder = msgids_in_kv if path.suffix == ".kv" else msgids_in_python
        for msgid, line, problem in finder(path):
            key = f"!{problem}: {msgid}" if problem else msgid
            used.setdefault(key, []).append(f"{path.relative_to(REPO)}:{line}")
    return used


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_translatable_string_has_chinese_and_vietnamese() -> None:
    used = every_msgid()
    assert {"Pay cash", "Tap to start", "Face not recognised", "sale voided", "Take cash", "OFFLINE"} <= set(used)
    problems = [f"{where[0]}: {key[1:]}" for key, where in used.items() if key.startswith("!")]
    assert not problems, "\n".join(problems)
    needed = {**used, **{name: ["terminal/sales/receipts.py METHOD_NAMES"] for name in METHOD_NAMES.values()}}
    missing = [f"{where[0]}: {msgid!r} has no {' or '.join(sorted({'zh', 'vi'} - set(TEXTS.get(msgid, {}))))} text"
               for msgid, where in sorted(needed.items(), key=lambda kv: kv[1][0])
               if set(TEXTS.get(msgid, {})) != {"zh", "vi"}]
    assert not missing, "\n".join(missing)


def test_translations_keep_the_placeholders_and_no_msgid_is_listed_twice() -> None:
    keys: list[str] = []
    for module in sorted((UI / "translations").glob("*.py")):
        tables = [node.value for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
                  if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                  and node.target.id == "TEXTS" and isinstance(node.value, ast.Dict)]
        keys += [ast.literal_eval(key) for table in tables for key in table.keys if key is not None]
    assert len(keys) > 400
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    for msgid, texts in TEXTS.items():
        for lang, text in texts.items():
            assert text.strip() and fields(text) == fields(msgid), f"{lang} {text!r} vs {msgid!r}"


def test_the_checker_names_an_untranslated_string_and_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "screen.py"
    bad.write_text('self.say(f"Paid {x}")\nlabel.text = tr._("Never translated")\nN_(f"{y}")\n', encoding="utf-8")
    found = msgids_in_python(bad)
    assert [(line, bool(problem)) for _m, line, problem in found] == [(1, True), (2, False), (3, True)]
    assert found[1][0] == "Never translated" and "Never translated" not in TEXTS
    kv = tmp_path / "screen.kv"
    kv.write_text("    text: tr._('Don\\'t panic')\n", encoding="utf-8")
    assert msgids_in_kv(kv) == [("Don't panic", 1, "")]


def zh(msgid: str) -> str:
    return TEXTS.get(msgid, {}).get("zh", msgid)


def test_face_pay_refusals_are_shown_from_their_code_never_from_the_message() -> None:
    assert set(REFUSALS) == set(FaceRefusal) - {FaceRefusal.UNAVAILABLE}
    capped = FaceStep(FacePayStep.FAILED, "face-pay limit reached: CNY 480.00 paid by face today", 0,
                      FaceRefusal.DAILY_CAP)
    assert refusal_text(capped) == ("Face-pay limit reached for today", "Please pay another way.")
    assert refusal_text(capped, zh) == ("今日刷脸支付已达上限", "请使用其他方式支付。")
    jumped = FaceStep(FacePayStep.FAILED, "Face-pay cancelled: no blink within 5 s", 0, FaceRefusal.FACE_CHANGED)
    assert refusal_text(jumped)[1] == "The face changed. Please pay another way."      # the code wins
    other = FaceStep(FacePayStep.FAILED, "no member with id m-1", 0, FaceRefusal.UNAVAILABLE)
    assert refusal_text(other, zh) == ("刷脸支付已停止", "no member with id m-1")   # domain text as it is
    assert face_hint("blurred", zh) == "请保持不动" and face_hint(None) == face_hint("ok") == ""
    assert all(set(TEXTS[m]) == {"zh", "vi"} for pair in REFUSALS.values() for m in pair)
    assert all(set(TEXTS[m]) == {"zh", "vi"} for m in FACE_HINTS.values())


def test_payment_refusals_are_worded_from_their_code_in_chinese_and_vietnamese() -> None:
    assert set(PAYMENT_REFUSALS) == set(PaymentRefusal)
    assert all(set(TEXTS[m]) == {"zh", "vi"} for m in PAYMENT_REFUSALS.values())
    detail = "CNY 600.00 is over the offline limit of CNY 500.00 per payment"
    assert payment_refusal_text(PaymentRefusal.OVER_PAYMENT_CAP, detail) == detail     # English: the domain's words
    said = payment_refusal_text(PaymentRefusal.OVER_PAYMENT_CAP, detail, zh)
    assert said == "超出单笔离线支付限额：请改用其他支付方式"
    assert payment_refusal_text(None, "card_blocked", zh) == "card_blocked"            # no code: passed through
