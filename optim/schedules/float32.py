"""Float32 functions as XLA computes them on the CPU, for the optax flavor's schedules.

JAX evaluates parts of some optax schedules in float32 (see
:mod:`optim.schedules.optax_lr`). Additions, multiplications and divisions
are correctly rounded, so NumPy's float32 gives the same bits; XLA's float32
``cos`` and ``pow`` are calls to the C library's ``cosf`` and ``powf``, which
are not always correctly rounded (glibc's are within about 0.8 ulp). This
module calls the same C functions through ctypes, once per distinct value.
Without a C math library it falls back to the float64 function rounded once to
float32, which differs from XLA in the last bit for about one value in a
hundred.

Example:
    >>> import numpy as np
    >>> from optim.schedules.float32 import cosf
    >>> cosf(np.float32([0.0, np.pi])).tolist()
    [1.0, -1.0]
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

import numpy as np

F32 = np.float32


def _c_function(name: str, arity: int) -> Callable | None:
    path = ctypes.util.find_library("m")
    try:
        fn = getattr(ctypes.CDLL(path), name)
    except (OSError, TypeError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_float] * arity, ctypes.c_float
    return fn


_COSF = _c_function("cosf", 1)
_POWF = _c_function("powf", 2)


def _each_distinct(fn: Callable | None, fallback: Callable, *args) -> np.ndarray:
    args = np.broadcast_arrays(*(np.asarray(a).astype(F32) for a in args))
    if fn is None:
        return np.asarray(fallback(*(a.astype(np.float64) for a in args))).astype(F32)
    rows = np.stack([a.ravel() for a in args], axis=1)
    distinct, where = np.unique(rows, axis=0, return_inverse=True)
    out = np.fromiter((fn(*row) for row in distinct.tolist()), dtype=F32, count=len(distinct))
    return out[where.ravel()].reshape(args[0].shape)


def cosf(x) -> np.ndarray:
    """The C library's float32 cosine of float32 ``x``, elementwise."""
    return _each_distinct(_COSF, np.cos, x)


def powf(x, y) -> np.ndarray:
    """The C library's float32 ``x ** y`` for float32 ``x`` and ``y``, elementwise."""
    return _each_distinct(_POWF, np.power, x, y)
