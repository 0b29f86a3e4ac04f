"""Update rules as equations: the same text is rendered as LaTeX and checked against the code.

Each optimizer and flavor is written here as a short list of assignments in the
formula language of :mod:`optim.formula` (plus ``max(a, b)``), chosen by the
configured hyperparameters. :func:`latex` renders them with time indices
(``v_{t-1}`` on the right of ``v_t``); :func:`evaluate` runs them with NumPy,
and the tests hold every flavor's equations to its update rule step for step,
so the page's text and the core's code cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from .compile import compile_expr
from .formula import parse_expression
from .optimizers import Optimizer

PARAMS = {
    "lr": r"\eta", "decay": r"\beta", "momentum": r"\mu", "dampening": r"\tau", "eps": r"\epsilon",
    "beta1": r"\beta_1", "beta2": r"\beta_2", "weight_decay": r"\lambda", "lr_decay": r"\delta",
    "momentum_decay": r"\psi", "t": "t",
}
STATE = {"x": "x", "v": "v", "m": "m", "a": r"\bar{g}", "b": "b", "u": "u", "vmax": r"v^{\max}", "P": r"\Pi"}
LOCAL = {
    "g": "g_t", "gw": r"\tilde{g}_t", "xd": r"\tilde{x}_{t-1}", "mhat": r"\hat{m}_t", "vhat": r"\hat{v}_t",
    "ahat": r"\hat{\bar{g}}_t", "d": r"\Delta_t", "r": "r_t", "rho": r"\rho_t", "rinf": r"\rho_\infty",
    "mu": r"\mu_t", "mun": r"\mu_{t+1}", "clr": r"\eta_t", "alpha": r"\alpha_t", "den": "D_t", "step": "s_t",
}
# Which state field of the rule each equation variable is, per optimizer.
STATE_FIELDS = {
    "sgd": {"b": "velocity"}, "ewma_momentum": {"m": "velocity"}, "adagrad": {"v": "sum_sq"},
    "rmsprop": {"v": "sq_avg", "a": "grad_avg", "b": "momentum_buf"}, "adadelta": {"v": "sq_avg", "u": "delta_avg"},
    "adam": {"m": "m", "v": "v", "vmax": "v_max"}, "adamw": {"m": "m", "v": "v", "vmax": "v_max"},
    "nadam": {"m": "m", "v": "v", "P": "mu_product"}, "adamax": {"m": "m", "u": "u"}, "radam": {"m": "m", "v": "v"},
    "gd": {},
}


@dataclass(frozen=True)
class Line:
    """``lhs = rhs``, or ``lhs = cases`` where each case is ``(rhs, condition)`` and the last has None."""

    lhs: str
    rhs: str | None = None
    cases: tuple = ()


@dataclass(frozen=True)
class Equations:
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def equations(opt: Optimizer) -> Equations:
    """The update equations of a configured (single-run) optimizer.

    Example:
        >>> import optim
        >>> eq = optim.equations(optim.make_optimizer("rmsprop", lr=0.1))
        >>> [(line.lhs, line.rhs) for line in eq.lines]
        [('v', 'decay*v + (1 - decay)*g^2'), ('x', 'x - lr*g/sqrt(v + eps)')]
    """
    hp = opt.hyperparameters
    if any(np.ndim(v) for v in hp.values()):
        raise ValueError("equations are written for one configuration; this optimizer holds a batch.")
    lines, notes = _BUILDERS[opt.name](opt.flavor, dict(hp))
    if "lr_y" in hp:
        notes = [*notes, f"lr is {hp['lr']:g} for x and {hp['lr_y']:g} for y: each coordinate has its own rate."]
    return Equations(tuple(Line(*ln) if isinstance(ln[1], str) else Line(ln[0], None, tuple(ln[1]))
                           for ln in lines), tuple(notes))


def latex(opt: Optimizer) -> list[str]:
    """One LaTeX string per equation, the gradient first, with time indices.

    Example:
        >>> import optim
        >>> optim.latex(optim.make_optimizer("gd", lr=0.1))
        ['g_t = \\\\nabla f(x_{t-1})', 'x_t = x_{t-1} - \\\\eta g_t']
    """
    eq = equations(opt)
    symbols = _symbols()
    updated: set[str] = set()
    out = [r"g_t = \nabla f(x_{t-1})"]
    for line in eq.lines:
        def render(text):
            with sympy.evaluate(False):  # keep the terms in the order they are written
                expr = parse_expression(text, symbols, {"max": sympy.Max})
            tex = {s: _tex(n, updated) for n, s in symbols.items()}
            return sympy.latex(expr, symbol_names=tex, order="none")

        if line.rhs is not None:
            rhs = render(line.rhs)
        else:
            rows = []
            for text, cond in line.cases:
                when = r"\text{otherwise}" if cond is None else f"{render(cond[0])} {_OPS_TEX[cond[1]]} {cond[2]}"
                rows.append(f"{render(text)} & {when}")
            rhs = r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"
        if line.lhs in STATE:
            updated.add(line.lhs)
        out.append(f"{_tex(line.lhs, updated)} = {rhs}")
    return out


def evaluate(opt: Optimizer, x, g, state: dict, t: int) -> dict:
    """Run the equations once from ``state`` (equation variable -> value) at step ``t``; return every variable."""
    eq = equations(opt)
    symbols = _symbols()
    env = {k: float(v) for k, v in opt.hyperparameters.items() if not isinstance(v, bool)}
    if "lr_y" in env:
        env["lr"] = opt.lr  # (lr, lr_y) down the coordinate axis
    env.update(state, x=np.asarray(x, dtype=float), g=np.asarray(g, dtype=float), t=float(t))

    def run(text):
        return compile_expr(parse_expression(text, symbols, {"max": sympy.Max}))(env)

    with np.errstate(all="ignore"):
        for line in eq.lines:
            if line.rhs is not None:
                env[line.lhs] = run(line.rhs)
                continue
            value = None
            for text, cond in line.cases:
                if cond is None or _OPS[cond[1]](run(cond[0]), float(cond[2])):
                    value = run(text)
                    break
            env[line.lhs] = value
    return env


_OPS = {">": np.greater, ">=": np.greater_equal}
_OPS_TEX = {">": ">", ">=": r"\geq"}


def _symbols() -> dict[str, sympy.Symbol]:
    return {n: sympy.Symbol(n, real=True) for n in (*PARAMS, *STATE, *LOCAL)}


def _tex(name: str, updated: set[str]) -> str:
    if name in PARAMS:
        return PARAMS[name]
    if name in STATE:
        return STATE[name] + ("_t" if name in updated else "_{t-1}")
    return LOCAL[name]


# --- the equations, optimizer by optimizer -------------------------------------------------------------


def _coupled(hp):
    """torch/optax coupled weight decay: a line and the gradient's name afterwards."""
    if hp.get("weight_decay") and not hp.get("decoupled_weight_decay"):
        return [("gw", "g + weight_decay*x")], "gw"
    return [], "g"


def _decoupled(hp, form="x - x*weight_decay*lr"):
    if hp.get("weight_decay") and (hp.get("decoupled_weight_decay", True)):
        return [("xd", form)], "xd"
    return [], "x"


def _gd(flavor, hp):
    return [("x", "x - lr*g")], []


def _sgd(flavor, hp):
    mom, nest = hp.get("momentum", 0), hp.get("nesterov", False)
    if flavor == "keras":
        pre, X = _decoupled(hp)
        if not mom:
            return pre + [("x", f"{X} - lr*g")], []
        step = f"{X} + momentum*b - lr*g" if nest else f"{X} + b"
        return pre + [("b", "momentum*b - lr*g"), ("x", step)], ["b_0 = 0: the velocity holds the learning rate."]
    if flavor == "optax":
        if not mom:
            return [("x", "x - lr*g")], []
        step = "x - lr*(g + momentum*b)" if nest else "x - lr*b"
        return [("b", "g + momentum*b"), ("x", step)], ["b_0 = 0."]
    pre, G = _coupled(hp)
    if not mom:
        return pre + [("x", f"x - lr*{G}")], []
    step = f"x - lr*({G} + momentum*b)" if nest else "x - lr*b"
    return pre + [("b", f"momentum*b + (1 - dampening)*{G}"), ("x", step)], [
        "b_1 = g_1: the first step fills the buffer with the gradient, without dampening."]


def _ewma(flavor, hp):
    lines = [("m", "momentum*m + (1 - momentum)*g")]
    if hp["bias_correction"]:
        return lines + [("mhat", "m/(1 - momentum^t)"), ("x", "x - lr*mhat")], ["m_0 = 0."]
    return lines + [("x", "x - lr*m")], ["m_0 = 0."]


def _adagrad(flavor, hp):
    note = [f"v_0 = {hp.get('initial_accumulator', 0):g}."]
    if flavor == "torch":
        pre, G = _coupled(hp)
        return pre + [("clr", "lr/(1 + (t - 1)*lr_decay)"), ("v", f"v + {G}^2"),
                      ("x", f"x - clr*{G}/(sqrt(v) + eps)")], note
    if flavor == "keras":
        pre, X = _decoupled(hp)
        return pre + [("v", "v + g^2"), ("x", f"{X} - lr*g/sqrt(v + eps)")], note
    inside = flavor == "optax" or hp.get("eps_in_sqrt", True)
    return [("v", "v + g^2"), ("x", "x - lr*g/sqrt(v + eps)" if inside else "x - lr*g/(sqrt(v) + eps)")], note


def _rmsprop(flavor, hp):
    lines, X, G = [], "x", "g"
    if flavor == "torch":
        lines, G = _coupled(hp)
    elif flavor == "keras":
        lines, X = _decoupled(hp)
    lines.append(("v", f"decay*v + (1 - decay)*{G}^2"))
    V, A = "v", "a"
    if hp.get("centered"):
        lines.append(("a", f"decay*a + (1 - decay)*{G}"))
    if flavor == "optax" and hp.get("bias_correction"):
        lines.append(("vhat", "v/(1 - decay^t)"))
        V = "vhat"
        if hp.get("centered"):
            lines.append(("ahat", "a/(1 - decay^t)"))
            A = "ahat"
    var = f"({V} - {A}^2)" if hp.get("centered") else V
    inside = {"torch": False, "keras": True}.get(flavor, hp.get("eps_in_sqrt", True))
    den = f"sqrt({var} + eps)" if inside else f"(sqrt({var}) + eps)"
    notes = [f"v_0 = {hp.get('initial_accumulator', 0):g}."]
    mom = hp.get("momentum", 0)
    if not mom:
        return lines + [("x", f"{X} - lr*{G}/{den}")], notes
    if flavor == "keras":
        return lines + [("b", f"momentum*b + lr*{G}/{den}"), ("x", f"{X} - b")], notes
    if flavor == "optax":
        step = f"x - lr*{G}/{den} + momentum*b" if hp.get("nesterov") else "x + b"
        return lines + [("b", f"momentum*b - lr*{G}/{den}"), ("x", step)], notes
    return lines + [("b", f"momentum*b + {G}/{den}"), ("x", f"{X} - lr*b")], notes


def _adadelta(flavor, hp):
    lines, X, G = [], "x", "g"
    if flavor == "keras":
        lines, X = _decoupled(hp)
    else:
        lines, G = _coupled(hp)
    return lines + [
        ("v", f"decay*v + (1 - decay)*{G}^2"),
        ("d", f"sqrt(u + eps)/sqrt(v + eps)*{G}"),
        ("u", "decay*u + (1 - decay)*d^2"),
        ("x", f"{X} - lr*d"),
    ], ["v_0 = u_0 = 0."]


def _adam(flavor, hp):
    ams = hp.get("amsgrad", False)
    lines, X, G = [], "x", "g"
    if flavor == "torch":
        if hp.get("decoupled_weight_decay") or "decoupled_weight_decay" not in hp:
            lines, X = _decoupled(hp, "x*(1 - lr*weight_decay)")
        else:
            lines, G = _coupled(hp)
    elif flavor in ("keras",):
        lines, X = _decoupled(hp)
    elif flavor == "textbook":
        lines, X = _decoupled(hp, "x - lr*weight_decay*x")
    lines += [("m", f"beta1*m + (1 - beta1)*{G}"), ("v", f"beta2*v + (1 - beta2)*{G}^2")]
    notes = ["m_0 = v_0 = 0."]
    if flavor == "optax":
        mhat = ("beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)" if hp.get("nesterov")
                else "m/(1 - beta1^t)")
        lines += [("mhat", mhat), ("vhat", "v/(1 - beta2^t)")]
        V = "vhat"
        if ams:
            lines.append(("vmax", "max(vmax, vhat)"))
            V = "vmax"
        direction = f"mhat/(sqrt({V}) + eps)"
        if hp.get("weight_decay"):
            return lines + [("x", f"x - lr*({direction} + weight_decay*x)")], notes
        return lines + [("x", f"x - lr*{direction}")], notes
    V = "v"
    if ams:
        lines.append(("vmax", "max(vmax, v)"))
        V = "vmax"
    if flavor == "keras":
        return lines + [("alpha", "lr*sqrt(1 - beta2^t)/(1 - beta1^t)"),
                        ("x", f"{X} - alpha*m/(sqrt({V}) + eps)")], notes + [
            "Epsilon-hat: eps is added to sqrt(v), not to the bias-corrected sqrt(v-hat)."]
    if flavor == "torch":
        return lines + [("x", f"{X} - lr/(1 - beta1^t)*m/(sqrt({V})/sqrt(1 - beta2^t) + eps)")], notes
    return lines + [("mhat", "m/(1 - beta1^t)"), ("vhat", f"{V}/(1 - beta2^t)"),
                    ("x", f"{X} - lr*mhat/(sqrt(vhat) + eps)")], notes


def _nadam(flavor, hp):
    lines, X, G = [], "x", "g"
    notes = ["m_0 = v_0 = 0, Pi_0 = 1."]
    if flavor == "optax":
        return [("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"),
                ("mhat", "beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)"),
                ("vhat", "v/(1 - beta2^t)"), ("x", "x - lr*mhat/(sqrt(vhat) + eps)")], ["m_0 = v_0 = 0."]
    if flavor == "keras":
        lines, X = _decoupled(hp)
        return lines + [
            ("mu", "beta1*(1 - 0.5*0.96^t)"), ("mun", "beta1*(1 - 0.5*0.96^(t + 1))"), ("P", "P*mu"),
            ("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"),
            ("mhat", "mun*m/(1 - P*mun) + (1 - mu)*g/(1 - P)"), ("vhat", "v/(1 - beta2^t)"),
            ("x", f"{X} - lr*mhat/(sqrt(vhat) + eps)"),
        ], notes
    if hp.get("decoupled_weight_decay"):
        lines, X = _decoupled(hp, "x*(1 - lr*weight_decay)")
    else:
        lines, G = _coupled(hp)
    return lines + [
        ("mu", "beta1*(1 - 0.5*0.96^(t*momentum_decay))"),
        ("mun", "beta1*(1 - 0.5*0.96^((t + 1)*momentum_decay))"), ("P", "P*mu"),
        ("m", f"beta1*m + (1 - beta1)*{G}"), ("v", f"beta2*v + (1 - beta2)*{G}^2"),
        ("den", "sqrt(v/(1 - beta2^t)) + eps"),
        ("x", f"{X} - lr*(1 - mu)*{G}/((1 - P)*den) - lr*mun*m/((1 - P*mun)*den)"),
    ], notes


def _adamax(flavor, hp):
    notes = ["m_0 = u_0 = 0."]
    if flavor == "torch":
        pre, G = _coupled(hp)
        return pre + [("m", f"beta1*m + (1 - beta1)*{G}"), ("u", f"max(beta2*u, abs({G}) + eps)"),
                      ("x", "x - lr/(1 - beta1^t)*m/u")], notes
    if flavor == "keras":
        pre, X = _decoupled(hp)
        return pre + [("m", "beta1*m + (1 - beta1)*g"), ("u", "max(beta2*u, abs(g))"),
                      ("x", f"{X} - lr*m/((1 - beta1^t)*(u + eps))")], notes
    if flavor == "optax":
        step = ("x - lr*(m/((1 - beta1^t)*u) + weight_decay*x)" if hp.get("weight_decay")
                else "x - lr*m/((1 - beta1^t)*u)")
        return [("m", "beta1*m + (1 - beta1)*g"), ("u", "max(abs(g) + eps, beta2*u)"), ("x", step)], notes
    return [("m", "beta1*m + (1 - beta1)*g"), ("u", "max(beta2*u, abs(g))"),
            ("x", "x - lr/(1 - beta1^t)*m/(u + eps)")], notes


def _radam(flavor, hp):
    lines, X, G = [], "x", "g"
    rho = [("rinf", "2/(1 - beta2) - 1"), ("rho", "rinf - 2*t*beta2^t/(1 - beta2^t)"),
           ("r", "sqrt((rho - 4)*(rho - 2)*rinf/((rinf - 4)*(rinf - 2)*rho))")]
    notes = ["m_0 = v_0 = 0."]
    if flavor == "optax":
        mhat = ("beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)" if hp.get("nesterov")
                else "m/(1 - beta1^t)")
        return [("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"), ("mhat", mhat),
                ("vhat", "v/(1 - beta2^t)"), *rho,
                ("x", [("x - lr*r*mhat/(sqrt(vhat) + eps)", ("rho", ">=", "5")), ("x - lr*mhat", None)])], notes
    if hp.get("decoupled_weight_decay"):
        lines, X = _decoupled(hp, "x*(1 - lr*weight_decay)")
    else:
        lines, G = _coupled(hp)
    return lines + [("m", f"beta1*m + (1 - beta1)*{G}"), ("v", f"beta2*v + (1 - beta2)*{G}^2"),
                    ("mhat", "m/(1 - beta1^t)"), *rho,
                    ("x", [(f"{X} - lr*mhat*r*sqrt(1 - beta2^t)/(sqrt(v) + eps)", ("rho", ">", "5")),
                           (f"{X} - lr*mhat", None)])], notes


_BUILDERS = {
    "gd": _gd, "sgd": _sgd, "ewma_momentum": _ewma, "adagrad": _adagrad, "rmsprop": _rmsprop,
    "adadelta": _adadelta, "adam": _adam, "adamw": _adam, "nadam": _nadam, "adamax": _adamax, "radam": _radam,
}
