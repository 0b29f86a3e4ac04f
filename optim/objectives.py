"""The registry of 2-D test functions, each with an analytic gradient.

Every function here is written once as ``value(x, y)``, ``gradient(x, y)`` and
``hessian(x, y)`` (the longer Hessians in :mod:`optim.hessians`) on coordinate
arrays, so a batch of runs or a contour grid is one vectorized call. Minima
locations were solved to float64 precision and are checked in the tests.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import hessians, tiny_network
from .objective import Domain, Minimum, Objective, with_domain
from .params import Param, resolve

_Builder = Callable[..., Objective]
_BUILDERS: dict[str, tuple[dict[str, Param], _Builder]] = {}


def _register(name: str, **param_specs: Param):
    def deco(builder: _Builder) -> _Builder:
        _BUILDERS[name] = (param_specs, builder)
        return builder

    return deco


def _obj(name, title, latex, value, gradient, domain, start, minima, params, **kw):
    specs, _ = _BUILDERS[name]
    return Objective(
        name=name, title=title, latex=latex, value=value, gradient=gradient,
        domain=domain, start=start, minima=tuple(minima), params=params,
        param_specs=specs, **kw,
    )


def _num(v: float) -> str:
    return f"{v:g}"


@_register(
    "quadratic",
    a=Param("a", 1.0, 0.001, 1000.0, "log", "Curvature along x: f = a x^2 + b y^2."),
    b=Param("b", 10.0, 0.001, 1000.0, "log", "Curvature along y: f = a x^2 + b y^2."),
)
def _quadratic(a, b):
    return _obj(
        "quadratic", "Quadratic bowl", rf"f(x, y) = {_num(a)}\,x^2 + {_num(b)}\,y^2",
        lambda x, y: a * x**2 + b * y**2,
        lambda x, y: (2 * a * x, 2 * b * y),
        ((-5.0, 5.0), (-5.0, 5.0)), (-4.0, 3.0), [Minimum(0.0, 0.0, 0.0)], dict(a=a, b=b),
        hessian=lambda x, y: (2.0 * a, 0.0, 2.0 * b),
    )


@_register(
    "rotated_quadratic",
    condition=Param("condition", 25.0, 1.0, 10000.0, "log",
                    "Condition number: ratio of the steepest to the flattest curvature."),
    angle=Param("angle", 30.0, -90.0, 90.0, "linear",
                "Rotation of the valley in degrees (0: valley along x)."),
)
def _rotated_quadratic(condition, angle):
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))

    def value(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return 0.5 * (u**2 + condition * v**2)

    def gradient(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return c * u - s * condition * v, s * u + c * condition * v

    return _obj(
        "rotated_quadratic", "Rotated ill-conditioned quadratic",
        rf"f = \tfrac12\left(u^2 + {_num(condition)}\,v^2\right),\ "
        rf"\begin{{pmatrix}}u\\v\end{{pmatrix}} = R_{{{_num(angle)}^\circ}}"
        r"\begin{pmatrix}x\\y\end{pmatrix}",
        value, gradient, ((-5.0, 5.0), (-5.0, 5.0)), (-4.0, 1.0),
        [Minimum(0.0, 0.0, 0.0)], dict(condition=condition, angle=angle),
        hessian=lambda x, y: (c * c + condition * s * s, c * s * (1 - condition), s * s + condition * c * c),
    )


@_register(
    "rosenbrock",
    a=Param("a", 1.0, 0.1, 10.0, "linear", "Minimum at (a, a^2)."),
    b=Param("b", 100.0, 0.1, 1000.0, "log", "Steepness of the curved valley's walls."),
)
def _rosenbrock(a, b):
    def value(x, y):
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(x, y):
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    def value_and_gradient(x, y):  # the same operations as value and gradient, sharing a - x and y - x^2
        d, r = a - x, y - x * x
        g = np.empty((2, *np.shape(r)))
        np.subtract(-2.0 * d, 4.0 * b * x * r, out=g[0, ...])
        np.multiply(2.0 * b, r, out=g[1, ...])
        return d**2 + b * r**2, g

    return _obj(
        "rosenbrock", "Rosenbrock", rf"f(x, y) = ({_num(a)} - x)^2 + {_num(b)}\,(y - x^2)^2",
        value, gradient, ((-2.0, 2.0), (-1.0, 3.0)), (-1.5, 2.0),
        [Minimum(a, a * a, 0.0)], dict(a=a, b=b), log_contours=True, value_and_gradient=value_and_gradient,
        hessian=lambda x, y: (2.0 - 4.0 * b * y + 12.0 * b * x * x, -4.0 * b * x, 2.0 * b),
    )


@_register("beale")
def _beale():
    # Powers are spelled out as products: NumPy's general power is several times slower.
    def terms(x, y):
        y2 = y * y
        return 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y, y2

    def value(x, y):
        t1, t2, t3, _ = terms(x, y)
        return t1 * t1 + t2 * t2 + t3 * t3

    def gradient(x, y):
        t1, t2, t3, y2 = terms(x, y)
        gx = 2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y2 * y - 1)
        gy = 2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y2
        return gx, gy


    return _obj(
        "beale", "Beale",
        r"f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        value, gradient, ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.5),
        [Minimum(3.0, 0.5, 0.0)], {}, log_contours=True, hessian=hessians.beale,
    )


@_register("himmelblau")
def _himmelblau():
    def value(x, y):
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def gradient(x, y):
        p, q = x * x + y - 11, x + y * y - 7
        return 4 * x * p + 2 * q, 2 * p + 4 * y * q

    minima = [
        Minimum(3.0, 2.0, 0.0),
        Minimum(-2.805118086952745, 3.131312518250573, 0.0),
        Minimum(-3.779310253377747, -3.2831859912861696, 0.0),
        Minimum(3.5844283403304917, -1.8481265269644036, 0.0),
    ]
    return _obj(
        "himmelblau", "Himmelblau", r"f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        value, gradient, ((-5.0, 5.0), (-5.0, 5.0)), (-0.5, -0.5), minima, {},
        log_contours=True, hessian=lambda x, y: (12 * x * x + 4 * y - 42, 4 * (x + y), 4 * x + 12 * y * y - 26),
    )


@_register("booth")
def _booth():
    def gradient(x, y):
        p, q = x + 2 * y - 7, 2 * x + y - 5
        return 2 * p + 4 * q, 4 * p + 2 * q

    return _obj(
        "booth", "Booth", r"f = (x + 2y - 7)^2 + (2x + y - 5)^2",
        lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        gradient, ((-10.0, 10.0), (-10.0, 10.0)), (-8.0, -8.0), [Minimum(1.0, 3.0, 0.0)], {},
        hessian=lambda x, y: (10.0, 8.0, 10.0),
    )


@_register("matyas")
def _matyas():
    return _obj(
        "matyas", "Matyas", r"f = 0.26\,(x^2 + y^2) - 0.48\,xy",
        lambda x, y: 0.26 * (x * x + y * y) - 0.48 * x * y,
        lambda x, y: (0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x),
        ((-10.0, 10.0), (-10.0, 10.0)), (8.0, -6.0), [Minimum(0.0, 0.0, 0.0)], {},
        hessian=lambda x, y: (0.52, -0.48, 0.52),
    )


@_register("three_hump_camel")
def _three_hump_camel():
    def value(x, y):
        x2 = x * x
        return x2 * (2 - x2 * (1.05 - x2 / 6)) + x * y + y * y

    def gradient(x, y):
        x2 = x * x
        return x * (4 - x2 * (4.2 - x2)) + y, x + 2 * y

    xl, yl = 1.747552345830289, -0.8737761729151445
    local = float(value(xl, yl))
    return _obj(
        "three_hump_camel", "Three-hump camel", r"f = 2x^2 - 1.05x^4 + \frac{x^6}{6} + xy + y^2",
        value, gradient,
        ((-3.0, 3.0), (-3.0, 3.0)), (-2.5, -2.0),
        [Minimum(0.0, 0.0, 0.0), Minimum(xl, yl, local, False), Minimum(-xl, -yl, local, False)],
        {}, hessian=lambda x, y: (4 - x * x * (12.6 - 5 * x * x), 1.0, 2.0),
    )


@_register("six_hump_camel")
def _six_hump_camel():
    def value(x, y):
        x2, y2 = x * x, y * y
        return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (4 * y2 - 4) * y2

    def gradient(x, y):
        x2, y2 = x * x, y * y
        return x * (8 - x2 * (8.4 - 2 * x2)) + y, x + y * (16 * y2 - 8)

    points = [
        (0.08984201310031807, -0.7126564030207396, True),
        (1.7036067149699807, -0.7960835686726251, False),
        (1.6071047529201974, 0.5686514548841314, False),
    ]
    minima = []
    for x, y, is_global in points:  # the function is symmetric under (x, y) -> (-x, -y)
        minima += [Minimum(x, y, float(value(x, y)), is_global),
                   Minimum(-x, -y, float(value(-x, -y)), is_global)]
    return _obj(
        "six_hump_camel", "Six-hump camel",
        r"f = \left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2",
        value, gradient, ((-2.5, 2.5), (-1.5, 1.5)), (-1.5, -1.0), minima, {},
        hessian=lambda x, y: (8 - x * x * (25.2 - 10 * x * x), 1.0, 48 * y * y - 8),
    )


def _rastrigin_minima_1d(a: float) -> np.ndarray:
    """Local minima of x^2 - a cos(2 pi x) on [-5.12, 5.12], by Newton from the integers.

    Small ripples (a below about |k| / pi) have no minimum near k; those starts
    wander off and are dropped.
    """
    x = np.arange(-5.0, 6.0)
    with np.errstate(all="ignore"):
        for _ in range(60):
            g = 2 * x + 2 * np.pi * a * np.sin(2 * np.pi * x)
            h = 2 + 4 * np.pi**2 * a * np.cos(2 * np.pi * x)
            x = x - g / h
        g = 2 * x + 2 * np.pi * a * np.sin(2 * np.pi * x)
        h = 2 + 4 * np.pi**2 * a * np.cos(2 * np.pi * x)
    keep = (np.abs(g) < 1e-9) & (h > 0) & (np.abs(x - np.arange(-5.0, 6.0)) < 0.5)
    return x[keep]


@_register(
    "rastrigin",
    A=Param("A", 10.0, 0.0, 50.0, "linear", "Height of the ripples."),
)
def _rastrigin(A):
    def value(x, y):
        return 2 * A + x * x + y * y - A * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y))

    def gradient(x, y):
        k = 2 * np.pi * A
        return 2 * x + k * np.sin(2 * np.pi * x), 2 * y + k * np.sin(2 * np.pi * y)

    coords = _rastrigin_minima_1d(A)
    minima = [
        Minimum(float(mx), float(my), float(value(mx, my)), bool(mx == 0 and my == 0))
        for mx in coords for my in coords
    ]
    return _obj(
        "rastrigin", "Rastrigin",
        rf"f = {_num(2 * A)} + x^2 + y^2 - {_num(A)}\left(\cos 2\pi x + \cos 2\pi y\right)",
        value, gradient, ((-5.12, 5.12), (-5.12, 5.12)), (3.3, -2.6), minima, dict(A=A),
        hessian=lambda x, y: (2 + 4 * np.pi**2 * A * np.cos(2 * np.pi * x), 0.0,
                              2 + 4 * np.pi**2 * A * np.cos(2 * np.pi * y)),
    )


@_register("ackley")
def _ackley():
    two_pi = 2 * np.pi

    def value(x, y):
        r = np.sqrt(0.5 * (x * x + y * y))
        c = 0.5 * (np.cos(two_pi * x) + np.cos(two_pi * y))
        return -20.0 * np.exp(-0.2 * r) - np.exp(c) + np.e + 20.0

    def gradient(x, y):
        r = np.sqrt(0.5 * (x * x + y * y))
        # The cone's tip at the origin has no gradient; 0 is its minimal subgradient.
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(r > 0, 2.0 * np.exp(-0.2 * r) / r, 0.0)
        e = np.pi * np.exp(0.5 * (np.cos(two_pi * x) + np.cos(two_pi * y)))
        return k * x + e * np.sin(two_pi * x), k * y + e * np.sin(two_pi * y)


    return _obj(
        "ackley", "Ackley",
        r"f = -20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
        value, gradient, ((-5.0, 5.0), (-5.0, 5.0)), (3.2, 2.4), [Minimum(0.0, 0.0, 0.0)], {},
        hessian=hessians.ackley,
    )


@_register("styblinski_tang")
def _styblinski_tang():
    def value(x, y):
        x2, y2 = x * x, y * y
        return 0.5 * (x2 * (x2 - 16) + 5 * x + y2 * (y2 - 16) + 5 * y)

    def gradient(x, y):
        return x * (2 * x * x - 16) + 2.5, y * (2 * y * y - 16) + 2.5

    lo, hi = -2.903534027771177, 2.746802770990837
    minima = [Minimum(mx, my, float(value(mx, my)), mx == my == lo)
              for mx in (lo, hi) for my in (lo, hi)]
    return _obj(
        "styblinski_tang", "Styblinski-Tang",
        r"f = \tfrac12\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)",
        value, gradient, ((-5.0, 5.0), (-5.0, 5.0)), (0.5, 0.2), minima, {},
        hessian=lambda x, y: (6 * x * x - 16, 0.0, 6 * y * y - 16),
    )


@_register("goldstein_price")
def _goldstein_price():
    def parts(x, y):
        s, d = x + y + 1, 2 * x - 3 * y
        p = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y
        q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y
        return s, d, p, q, 1 + s * s * p, 30 + d * d * q

    def value(x, y):
        *_, a, b = parts(x, y)
        return a * b

    def gradient(x, y):
        s, d, p, q, a, b = parts(x, y)
        da = 2 * s * p + s * s * (-14 + 6 * x + 6 * y)  # the same along x and y
        dbx = 4 * d * q + d * d * (-32 + 24 * x - 36 * y)
        dby = -6 * d * q + d * d * (48 - 36 * x + 54 * y)
        return da * b + a * dbx, da * b + a * dby


    minima = [Minimum(0.0, -1.0, 3.0)] + [
        Minimum(mx, my, float(value(mx, my)), False)
        for mx, my in ((-0.6, -0.4), (1.8, 0.2), (1.2, 0.8))
    ]
    return _obj(
        "goldstein_price", "Goldstein-Price",
        r"f = \left[1 + (x + y + 1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
        r"\left[30 + (2x - 3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]",
        value, gradient, ((-2.0, 2.0), (-2.0, 2.0)), (-1.0, 1.5), minima, {}, log_contours=True,
        hessian=hessians.goldstein_price,
    )


@_register("saddle")
def _saddle():
    return _obj(
        "saddle", "Saddle", r"f = x^2 - y^2",
        lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y),
        ((-2.0, 2.0), (-2.0, 2.0)), (-1.8, 0.01), [], {},
        hessian=lambda x, y: (2.0, 0.0, -2.0),
    )


_register("tiny_network", **tiny_network.PARAMS)(tiny_network.tiny_network)


def get_objective(name: str, domain: Domain | None = None, **params) -> Objective:
    """Build the registered objective ``name`` with its parameters.

    Unknown names or parameters, and values outside their ranges, raise
    ``ValueError`` saying what is allowed. ``domain`` overrides the plot domain
    as ``((xmin, xmax), (ymin, ymax))``.

    Example:
        >>> import optim
        >>> obj = optim.get_objective("quadratic", a=5.0, b=7.0)
        >>> obj.latex
        'f(x, y) = 5\\\\,x^2 + 7\\\\,y^2'
        >>> optim.get_objective("quadratic", c=1.0)
        Traceback (most recent call last):
        ...
        ValueError: quadratic: unknown parameter 'c'; allowed: a, b.
    """
    if name not in _BUILDERS:
        raise ValueError(f"unknown objective {name!r}; allowed: {', '.join(_BUILDERS)}.")
    specs, builder = _BUILDERS[name]
    obj = builder(**resolve(specs, params, name))
    if domain is not None:
        obj = with_domain(obj, domain)
    return obj


OBJECTIVES: dict[str, Objective] = {name: get_objective(name) for name in _BUILDERS}
"""Every registered objective, built with its default parameters."""
