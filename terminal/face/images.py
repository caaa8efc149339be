"""Image files in, within a pixel limit checked from the header before anything is decoded.

A 50 MP picture takes seconds and ~750 MB to decode, a crafted PNG of a few KB can claim 190 MP: the size
is read from the header (PIL's Image.open is lazy) and refused before .load() or .convert().
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from terminal.errors import EdgeposError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL.Image import Image as PILImage

DEFAULT_MAX_IMAGE_PIXELS = 24_000_000
LIMIT_KEY = "[face] max_image_pixels"
HIGHEST_MAX_IMAGE_PIXELS = 150_000_000   # below PIL's own refusal (2 x 89.5 MP), so ours is the one that speaks


class ImageError(EdgeposError, ValueError):
    """An image file that cannot be read as a picture, or is larger than the pixel limit."""


class ImageTooLarge(ImageError):
    """An image (or frame) with more pixels than the configured limit."""


def check_pixels(width: int, height: int, max_pixels: int, what: str, setting: str = LIMIT_KEY) -> None:
    """ImageTooLarge naming `what`, its size, the limit and its `setting` when width x height is over it."""
    if width * height > max_pixels:
        raise ImageTooLarge(f"{what}: {width}x{height} is {width * height} pixels, over the limit of {max_pixels}"
                            f" ({setting}): use a smaller picture (a face needs no more than a few megapixels),"
                            " or raise the limit")


@contextmanager
def open_image(path: Path, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS, setting: str = LIMIT_KEY
               ) -> Iterator[PILImage]:
    """The image with only its header read, refused when over `max_pixels`; ImageError when unreadable."""
    from PIL import Image, UnidentifiedImageError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)   # we check the size ourselves
            with Image.open(path) as image:
                check_pixels(*image.size, max_pixels, str(path), setting)
                yield image
    except Image.DecompressionBombError as err:     # PIL refuses past 2 x its own limit before we see the size
        found = re.search(r"\((\d+) pixels\)", str(err))
        pixels = found.group(1) if found else f"more than {2 * (Image.MAX_IMAGE_PIXELS or 0)}"
        raise ImageTooLarge(f"{path}: {pixels} pixels, over the limit of {max_pixels} ({setting}):"
                            f" use a smaller picture") from None
    except (OSError, UnidentifiedImageError) as err:
        raise ImageError(f"{path}: not a readable image ({err})") from err


def image_size(path: Path, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS, setting: str = LIMIT_KEY
               ) -> tuple[int, int]:
    """Width and height from the file's header; ImageError when unreadable, ImageTooLarge when over the limit."""
    with open_image(path, max_pixels, setting) as image:
        width, height = image.size
    return width, height


def load_rgb(path: Path, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> npt.NDArray[np.uint8]:
    """An image file as an RGB uint8 array, its size checked before it is decoded; ImageError otherwise."""
    import numpy as np
    with open_image(path, max_pixels) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)
