"""The LaTeX update rules say what the code does: every flavor's equations, run, equal its rule's step."""

import numpy as np
import pytest

import optim
from optim.equations import evaluate
from optim.rules.newton import entries
from optim.speccheck import sample_extras

FLAGS = ("nesterov", "centered", "amsgrad", "eps_in_sqrt", "bias_correction", "decoupled_weight_decay", "param_scale")


def _configs():
    for name, spec in optim.OPTIMIZERS.items():
        for flavor in spec.flavors:
            if "closure" in spec.flavors[flavor].build(**optim.make_optimizer(name, flavor).hyperparameters).needs:
                continue  # L-BFGS keeps a history of pairs: test_lbfgs_equations_compute_the_same_step
            params = spec.params(flavor)
            yield name, flavor, {}
            extra = {}
            if "momentum" in params:
                extra["momentum"] = 0.9
            if "weight_decay" in params:
                extra["weight_decay"] = 0.1
            if "dampening" in params:
                extra["dampening"] = 0.3
            if "lr_decay" in params:
                extra["lr_decay"] = 0.05
            if extra:
                yield name, flavor, extra
            if spec.lr_y(flavor) is not None:
                yield name, flavor, dict(extra, lr_y=0.2)
            for flag in FLAGS:
                if flag in params:
                    yield name, flavor, dict(extra, **{flag: not params[flag].default})


CONFIGS = list(_configs())


@pytest.mark.parametrize(("name", "flavor", "hp"), CONFIGS,
                         ids=[f"{n}-{f}-{'-'.join(h) or 'defaults'}" for n, f, h in CONFIGS])
@pytest.mark.parametrize("t", [3, 60])
def test_equations_compute_the_same_step_as_the_rule(name, flavor, hp, t):
    opt = optim.make_optimizer(name, flavor, lr=0.05, **hp)
    rng = np.random.default_rng(t)
    x, g = rng.normal(size=2), rng.normal(size=2)
    extras = sample_extras(opt.rule.needs, x[:, None])
    fields = {}
    if "hessian" in extras:  # any symmetric Hessian, definite or not
        H = rng.normal(size=(2, 2))
        H = (H + H.T)[:, :, None]
        extras["hessian"] = lambda p: H
        fields.update(entries(H, g[:, None]))
    state = opt.rule.init(x[:, None], **extras)
    for var, field in optim.OPTIMIZERS[name].state_fields.items():
        value = np.array(0.4) if field == "mu_product" else rng.uniform(0.1, 2.0, size=(2, 1))
        if field == "grad_avg":
            value = value * 0.2  # keep the centered variance v - a^2 positive
        fields[var] = value
        state = state._replace(**{field: value})
    state = state._replace(t=t - 1)
    new_x, new_state = opt.rule.step(x[:, None], g[:, None], state, **extras)
    env = evaluate(opt, x[:, None], g[:, None], fields, t)
    np.testing.assert_allclose(env["x"], new_x, rtol=1e-12, atol=1e-14)
    for var, field in optim.OPTIMIZERS[name].state_fields.items():
        if var in env and np.ndim(getattr(new_state, field)):
            np.testing.assert_allclose(env[var], getattr(new_state, field), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("hp", [{}, {"line_search": True}])
def test_lbfgs_equations_compute_the_same_step(hp):
    """With one pair kept (history_size 1), from a real state after two steps, the equations take the rule's step."""
    opt = optim.make_optimizer("lbfgs", lr=0.3, history_size=1, **hp)
    bowl = optim.get_objective("quadratic", a=1.0, b=4.0)
    x = np.array([[1.5], [-1.0]])
    extras = {"closure": lambda p: (bowl.value(p[0], p[1]), np.stack(bowl.gradient(p[0], p[1])))}
    state = opt.rule.init(x, **extras)
    for _ in range(3):
        x, state = opt.rule.step(x, extras["closure"](x)[1], state, **extras)
    assert int(state.count[0, 0]) == 1
    g = extras["closure"](x)[1]
    new_x, new_state = opt.rule.step(x, g, state, **extras)
    fields = {"sk": state.S[0], "yk": state.Y[0], "rho": state.ro[0], "hd": state.h_diag, "gp": state.prev_g,
              "dp": state.d, "tp": state.step_t}
    env = evaluate(opt, x, g, fields, 4)
    np.testing.assert_allclose(env["x"] - x, (new_x - x) / new_state.step_t * opt.hyperparameters["lr"],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(env["d"], new_state.d, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("name", "flavor", "hp"), CONFIGS[:: 3])
def test_latex_renders_every_configuration(name, flavor, hp):
    lines = optim.latex(optim.make_optimizer(name, flavor, **hp))
    assert lines[0] == r"g_t = \nabla f(x_{t-1})"
    assert lines[-1].startswith("x_t = ")
    assert all("{" in ln and ln.count("{") == ln.count("}") for ln in lines[1:])


def test_flavors_read_differently_where_they_differ():
    def tex(name, flavor, **hp):
        return " ".join(optim.latex(optim.make_optimizer(name, flavor, **hp)))

    assert r"\sqrt{v_t + \epsilon}" in tex("rmsprop", "textbook")
    assert r"\sqrt{v_t} + \epsilon" in tex("rmsprop", "textbook", eps_in_sqrt=False)
    assert r"\sqrt{v_t} + \epsilon" in tex("rmsprop", "torch")
    assert r"0.96}^{t}" in tex("nadam", "keras") and r"\psi" in tex("nadam", "torch")
    assert r"\tilde{g}_t = g_t + \lambda x_{t-1}" in tex("adam", "torch", weight_decay=0.1)
    assert r"\tilde{x}_{t-1}" in tex("adamw", "torch")
    assert r"\hat{m}_t" in tex("ewma_momentum", "textbook")
    assert r"\hat{m}" not in tex("ewma_momentum", "textbook", bias_correction=False)


def test_equations_refuse_a_batch():
    with pytest.raises(ValueError, match="one configuration"):
        optim.equations(optim.make_optimizer("adam", lr=[0.1, 0.2]))
