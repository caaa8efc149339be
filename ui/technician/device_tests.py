"""The technician's device tools: doctor checks, test print, camera frame, scanner test; blocking work off the UI
thread.
"""
from __future__ import annotations

from typing import Any

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from terminal.app import technician
from terminal.technician.doctor import Check
from ui.dispatch import run_in_background
from ui.i18n import tr


class CheckRow(BoxLayout):
    """One line of the doctor's table: OK/FAIL, the check's name, what it found and the fix."""

    ok = BooleanProperty(True)
    name_text = StringProperty("")
    detail = StringProperty("")
    fix = StringProperty("")


def frame_pixels(image: Any) -> tuple[int, int, bytes]:
    """Width, height and bottom-up BGR bytes of a camera image (numpy H x W x 3), as a Kivy texture wants them."""
    height, width = image.shape[:2]
    return int(width), int(height), image[::-1].tobytes()


class DeviceTests:
    """Mixed into TechnicianScreen (after PosScreen): uses its terminal and say(); sets the tools' texts."""

    terminal: Any
    checks_busy = BooleanProperty(False)
    print_busy = BooleanProperty(False)
    camera_busy = BooleanProperty(False)
    print_text = StringProperty("")
    scan_text = StringProperty("")
    camera_text = StringProperty("")
    camera_texture = ObjectProperty(None, allownone=True)

    def run_checks(self) -> None:
        """Run the doctor's checks in a worker thread; the table fills when they are done."""
        if self.checks_busy:
            return
        self.checks_busy = True
        self.ids.checks_table.clear_widgets()
        self.say(tr._("Running the checks…"))
        run_in_background(lambda: technician.run_checks(self.terminal), self._checks_done, self._checks_failed,
                          name="edgepos-doctor")

    def _checks_done(self, checks: list[Check]) -> None:
        self.checks_busy = False
        table = self.ids.checks_table
        table.clear_widgets()
        for check in checks:
            table.add_widget(CheckRow(ok=check.ok, name_text=check.name, detail=check.detail, fix=check.fix))
        failed = [c.name for c in checks if not c.ok]
        if failed:
            self.say(tr._("Failed: {names}").format(names=", ".join(failed)), error=True)
        else:
            self.say(tr._("All {n} checks passed.").format(n=len(checks)))

    def _checks_failed(self, err: Exception) -> None:
        self.checks_busy = False
        self.say(tr._("The checks could not run: {error}").format(error=err), error=True)

    def test_print(self) -> None:
        """Print the test receipt in a worker thread and show the printer's answer."""
        if self.print_busy:
            return
        self.print_busy = True
        self.print_text = tr._("Printing…")
        run_in_background(lambda: technician.test_print(self.terminal), self._printed, self._print_failed,
                          name="edgepos-test-print")

    def _printed(self, where: str) -> None:
        self.print_busy = False
        self.print_text = tr._("Printed: {where}").format(where=where)

    def _print_failed(self, err: Exception) -> None:
        self.print_busy = False
        self.print_text = tr._("Not printed: {error}").format(error=err)

    def show_scan(self, text: str) -> None:
        """The scanner test: what was scanned, payment codes masked."""
        self.ids.scan_input.text = ""
        if text.strip():
            self.scan_text = tr._("Last scan: {what}").format(what=technician.describe_scan(text, self.terminal))

    def camera_test(self) -> None:
        """Grab one frame from the configured camera in a worker thread and show it."""
        devices = self.terminal.config.devices
        if not technician.camera_configured(devices):
            self.camera_text, self.camera_texture = tr._("No camera is configured ([devices] camera)."), None
            return
        if self.camera_busy:
            return
        self.camera_busy = True
        self.camera_text = tr._("Reading a frame…")
        run_in_background(lambda: frame_pixels(technician.grab_frame(self.terminal).image), self._framed,
                          self._frame_failed, name="edgepos-camera-test")

    def _framed(self, pixels: tuple[int, int, bytes]) -> None:
        width, height, data = pixels
        texture = Texture.create(size=(width, height), colorfmt="rgb")
        texture.blit_buffer(data, colorfmt="bgr", bufferfmt="ubyte")
        self.camera_busy, self.camera_texture = False, texture
        self.camera_text = tr._("Camera: a {w}x{h} frame").format(w=width, h=height)

    def _frame_failed(self, err: Exception) -> None:
        self.camera_busy, self.camera_texture = False, None
        self.camera_text = tr._("Camera: {error}").format(error=err)
