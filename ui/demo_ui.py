"""`edgepos demo --ui`: a cash sale driven through the real kiosk, with a screenshot after every step."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from terminal.app.bootstrap import Terminal
from terminal.errors import EdgeposError
from terminal.sales.till import Completed

SIZE = (1280, 800)
STEP_DELAY_S = 0.5    # between an action and its screenshot: layout and drawing settle
TIMEOUT_S = 120.0


class DemoError(EdgeposError):
    """The UI demo could not finish its sale."""


def tap(button: Any) -> None:
    """Press and release a button, as a finger would."""
    if button.disabled:
        raise DemoError(f"the {button.text!r} button is disabled")
    button.dispatch("on_press")
    button.dispatch("on_release")


class UiDemo:
    """Runs the steps on Kivy's clock; each step acts on the widgets and names the screenshot to take."""

    def __init__(self, app: Any, terminal: Terminal, out: Path, say: Callable[[str], Any]) -> None:
        self.app, self.terminal, self.out, self.say = app, terminal, out, say
        self.shots: list[str] = []
        self.done: Completed | None = None
        self.error: BaseException | None = None
        self._steps = self.steps()
        self._pending: str | None = None

    def steps(self) -> Iterator[str | None]:
        """Open the shift if needed, scan two items, pay cash with a quick amount, show the result."""
        app, till = self.app, self.terminal.till
        if self.terminal.staff.has_staff():   # the kiosk would ask for a PIN the demo does not know
            raise DemoError("this data dir has a staff list, so the kiosk asks for a PIN: "
                            "run the UI demo on a data dir without staff (e.g. a fresh --data-dir)")
        if till.sale is not None:
            till.void()
            self.say("voided the sale left open by an earlier run")
        shift = app.screen("shift")
        app.root.current = "shift"
        if self.terminal.shifts.current is None:
            shift.ids.cashier_input.text, shift.ids.float_input.text = "demo", "200.00"
            yield "01-shift"
            tap(shift.ids.open_button)
            self.say("opened the shift for cashier 'demo' with a 200.00 float")
        else:
            shift.x_report(quiet=True)
            yield "01-shift"
        tap(shift.ids.to_sale_button)
        sale = app.screen("sale")
        items = [item for item in self.terminal.catalog if item.barcode][:2]
        if len(items) < 2:
            raise DemoError("the catalog needs at least two items with barcodes for the demo")
        for item in items:
            sale.ids.barcode.text = item.barcode
            sale.ids.barcode.dispatch("on_text_validate")
            self.say(f"scanned {item.barcode}  {item.name}")
            yield None
        yield "02-cart"
        tap(sale.ids.pay_cash_button)
        panel = sale.cash_panel
        if panel is None or till.sale is None:
            raise DemoError(f"the cash panel did not open: {sale.status_text}")
        finish = panel.on_finish
        panel.on_finish = lambda done: (setattr(self, "done", done), finish(done))
        quick = list(reversed(panel.ids.quick_box.children))   # exact amount first, then banknotes
        tap(quick[1] if len(quick) > 1 else quick[0])
        yield "03-cash"
        tap(panel.ids.confirm_button)
        if self.done is None:
            raise DemoError(f"the cash was not taken: {panel.message}")
        self.say(f"paid; {panel.message}")
        yield "04-paid"
        tap(panel.ids.confirm_button)   # "New sale": the panel closes (animated)
        yield None
        yield "05-sale"

    def advance(self, _dt: float) -> None:
        """Take the screenshot the last step asked for, then run the next step (or stop the app)."""
        from kivy.clock import Clock

        from ui.launcher import save_screenshot

        try:
            if self._pending is not None:
                path = save_screenshot(self.out / f"{self._pending}.png")
                self.shots.append(str(path))
                self.say(f"screenshot {path}")
            self._pending = next(self._steps)
        except StopIteration:
            self.app.stop()
            return
        except Exception as err:  # noqa: BLE001 - any failure of a step is reported by run_ui_demo, window closed
            self.error = err
            self.app.stop()
            return
        Clock.schedule_once(self.advance, STEP_DELAY_S)

    def give_up(self, _dt: float) -> None:
        """The watchdog: a demo that hangs stops with an error."""
        if self.error is None:
            self.error = DemoError(f"the UI demo did not finish within {TIMEOUT_S:.0f} s")
        self.app.stop()


def _drive(terminal: Terminal, out: Path, say: Callable[[str], Any]) -> UiDemo:
    from ui.launcher import configure_kivy

    configure_kivy(SIZE, fullscreen=False)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from ui.app import EdgeposApp

    if tuple(Window.size) != SIZE:
        Window.size = SIZE
    app = EdgeposApp(terminal)
    demo = UiDemo(app, terminal, out, say)
    Clock.schedule_once(demo.advance, 1.0)
    watchdog = Clock.schedule_once(demo.give_up, TIMEOUT_S)
    app.run()
    watchdog.cancel()
    return demo


def run_ui_demo(terminal: Terminal, out: Path, say: Callable[[str], Any]) -> dict[str, Any]:
    """Drive a cash sale through the kiosk (on Xvfb without a display); the summary lists the screenshots.

    The terminal comes from the app's build_demo_terminal (it prints to the virtual printer); it is closed here.
    """
    from ui.launcher import stop_display, virtual_display_if_needed

    os.environ.setdefault("KIVY_HOME", str(terminal.data_dir / "kivy"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        xvfb = virtual_display_if_needed(*SIZE)
        if xvfb is not None:
            say(f"no display found: running on virtual display {os.environ['DISPLAY']}")
        try:
            demo = _drive(terminal, out, say)
        finally:
            stop_display(xvfb)
        if demo.error is not None:
            raise DemoError(f"the UI demo stopped: {demo.error}") from demo.error
        done = demo.done
        if done is None:
            raise DemoError("the UI demo ended before the sale was paid")
        shift = terminal.shifts.current
        return {"sale_id": done.sale.id, "total": done.sale.totals.total.amount_str(), "currency": done.sale.currency,
                "tax": done.sale.totals.tax.amount_str(), "tendered": done.payment.tendered.amount_str(),
                "change": done.change.amount_str(), "receipt": done.printed_to, "receipt_url": done.receipt.qr_url,
                "outbox_pending": terminal.outbox.pending_count(), "shift_id": shift.id if shift else None,
                "screens": demo.shots}
    finally:
        terminal.close()
