"""The app's favicon, drawn with NumPy: level sets of a bowl and a path sliding into it.

A ``:material/...`` page icon makes every page load fetch the icon from Google's font servers; an
image is served by the app itself, so a hosted or offline workshop makes no outside request. It is
drawn and encoded once: every rerun sets the page config, and PNG bytes need no encoding again.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image

_BLUE = (51, 102, 204)
_ORANGE = (230, 145, 20)


@lru_cache(maxsize=1)
def favicon(size: int = 64) -> bytes:
    """A PNG image, ``size`` x ``size`` (RGBA)."""
    u = np.linspace(-1.0, 1.0, size)
    x, y = np.meshgrid(u, u)
    f = np.hypot(x, 2.2 * y + 0.6 * x)  # a tilted elliptic bowl
    rings = (np.abs((f * 4.0) % 1.0 - 0.5) > 0.32) & (f < 1.0)
    img = np.zeros((size, size, 4), np.uint8)
    img[rings] = (*_BLUE, 255)
    for t in np.linspace(0.0, 1.0, 5):  # the path: from the rim to the minimum
        cx, cy = 0.75 * (1 - t) ** 1.5, -0.55 * (1 - t)
        dot = np.hypot(x - cx, y - cy) < 0.13 - 0.03 * t
        img[dot] = (*_ORANGE, 255)
    out = io.BytesIO()
    Image.fromarray(img, "RGBA").save(out, format="PNG")
    return out.getvalue()
