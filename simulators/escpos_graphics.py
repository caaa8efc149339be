"""The image, QR and barcode commands of the ESC/POS parser: ESC *, GS ( L / GS 8 L, GS ( k, GS h/w/H, GS k."""
from __future__ import annotations

from dataclasses import replace

from simulators.escpos_commands import BARCODES, QR_EC, State, read_le
from simulators.escpos_elements import Barcode, Bitmap, Element, QrCode


def _column_to_raster(data: bytes, width: int, rows: int) -> bytes:
    """ESC * column data (each column rows/8 bytes, MSB on top) in the GS v 0 raster layout."""
    stride, per, out = (width + 7) // 8, rows // 8, bytearray((width + 7) // 8 * rows)
    for x in range(width):
        for k in range(per):
            byte = data[x * per + k]
            for bit in range(8):
                if byte & (0x80 >> bit):
                    out[(k * 8 + bit) * stride + x // 8] |= 0x80 >> (x % 8)
    return bytes(out)


class GraphicsCommands:
    """Image, QR and barcode command handling, mixed into EscposParser (which provides what is declared here)."""

    _s: State
    _elements: list[Element]
    _unknown: int
    _line_image: bool   # the line being built holds ESC * image data, so its LF is no blank line
    _stripe: bool       # the last element is an ESC * image the next stripe extends

    def _emit(self, element: Element) -> None:
        raise NotImplementedError

    def _print_line(self, blank: bool) -> None:
        raise NotImplementedError

    def _block(self, element: Element) -> None:
        raise NotImplementedError

    def _stripe_image(self, cmd: bytes) -> None:
        """ESC *: one stripe; python-escpos sends an image as stripes, joined here into one bitmap."""
        mode, width = cmd[2], read_le(cmd, 3, 2)
        rows = 8 if mode < 32 else 24
        stripe = Bitmap(width, rows, _column_to_raster(cmd[5:], width, rows), 2 if mode in (0, 32) else 1,
                        3 if mode < 32 else 1, self._s.align)
        stripe_open = self._stripe
        self._print_line(blank=False)
        last = self._elements[-1] if self._elements else None
        if stripe_open and isinstance(last, Bitmap) and (last.width, last.scale_x, last.scale_y) == (
                width, stripe.scale_x, stripe.scale_y):
            self._elements[-1] = replace(last, height=last.height + rows, data=last.data + stripe.data)
        else:
            self._emit(stripe)
        self._stripe = self._line_image = True

    def _raster(self, cmd: bytes) -> None:
        """GS v 0: a raster image, printed at once."""
        width, height = read_le(cmd, 4, 2) * 8, read_le(cmd, 6, 2)
        self._block(Bitmap(width, height, cmd[8:], 1 + (cmd[3] & 1), 1 + (cmd[3] >> 1 & 1), self._s.align))

    def _graphics(self, payload: bytes) -> bool:
        """GS ( L / GS 8 L: store a raster graphic (fn 112) and print it (fn 50)."""
        fn = payload[1] if len(payload) >= 2 else -1
        if fn == 112 and len(payload) >= 10:
            width, height = read_le(payload, 6, 2), read_le(payload, 8, 2)
            data = payload[10:10 + (width + 7) // 8 * height]
            if len(data) == (width + 7) // 8 * height and payload[3] in (1, 2) and payload[4] in (1, 2):
                self._s.graphics = Bitmap(width, height, data, payload[3], payload[4])
                return False
        elif fn in (2, 50):
            if self._s.graphics is not None:
                self._block(replace(self._s.graphics, align=self._s.align))
            return False
        elif fn in (0, 1, 48, 49):
            return False   # capacity queries and dot density: nothing to print
        self._unknown += 1
        return False

    def _qr(self, payload: bytes) -> None:
        """GS ( k for cn 49 (QR): model, module size, error correction, store (80), print (81)."""
        s = self._s
        cn, fn = (payload[0], payload[1]) if len(payload) >= 2 else (-1, -1)
        arg = payload[2] if len(payload) > 2 else -1
        if cn != 49 or fn not in (65, 67, 69, 80, 81, 82):
            self._unknown += 1
        elif fn == 67 and 1 <= arg <= 16:
            s.qr_module = arg
        elif fn == 69 and arg in QR_EC:
            s.qr_ec = QR_EC[arg]
        elif fn == 80:
            s.qr_data = payload[3:]
        elif fn == 81 and s.qr_data:
            self._block(QrCode(s.qr_data, s.qr_module, s.qr_ec, s.align))

    def _barcode_setting(self, which: str, arg: int) -> None:
        s = self._s
        if which == "h" and arg:
            s.bc_height = arg
        elif which == "w" and 1 <= arg <= 6:
            s.bc_module = arg
        elif which == "H" and arg % 48 < 4 and arg < 52:
            s.bc_hri = arg % 48

    def _barcode(self, cmd: bytes) -> None:
        """GS k m: NUL-ended data for m 0-6, a length byte for m 65 and up."""
        m, s = cmd[2], self._s
        data = cmd[3:-1] if m <= 6 and cmd[-1] == 0 else cmd[4:4 + cmd[3]] if m > 6 else b""
        if m not in BARCODES or not data:
            self._unknown += 1
            return
        text = data.decode("latin-1")
        if BARCODES[m] == "CODE128" and text[:2] in ("{A", "{B", "{C"):
            text = text[2:]
        self._block(Barcode(BARCODES[m], text, s.bc_height, s.bc_module, s.bc_hri, s.align))
