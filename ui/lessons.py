"""The seed articles' experiments as one-click lessons: exact settings, a short explanation, where to look.

Each :class:`Lesson` holds the state of the page that reproduces an article's experiment (a
``PlaygroundState`` or a ``CompareState`` built with ``ui.model``, or a ``SweepState`` for a paper's
map), so loading a lesson is encoding that state into the page's query parameters (``ui.urlstate``,
``ui.sweep.state``) and switching to the page. Where an
article printed numbers, the lesson keeps them next to the quantity they are, and
:func:`computed_numbers` runs the core to get the app's own.

Plain Python (no Streamlit): the lessons page lays the cards out, the tests check every lesson.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

import optim

from .inside.state import VALLEY_004, InsideState, default_inside, zigzag_configs, zigzag_setup
from .model import CompareState, OptConfig, PlaygroundState, Setup, make_config, setup_for_objective
from .sweep.state import SweepState, encode_sweep
from .sweep.zoom import factor_text, zoom_factor
from .train.state import TrainState, encode_train
from .urlstate import encode_compare, encode_playground


@dataclass(frozen=True)
class Lesson:
    """One seed article's experiment (or a paper's).

    Attributes:
        seed: the article's number, "000" to "004" (a word for a lesson from a paper).
        title: what the experiment shows, in a few words.
        article: which article it comes from, in a few words.
        explanation: two to four plain sentences written for this app.
        look: where to look once the page opens (Markdown), naming the chart.
        state: the Playground or Compare state that reproduces the experiment.
        inside: the Inside RMSprop view that shows why, or None.
        inside_look: what to look at there (Markdown).
        printed: numbers the article printed, as (name, what it is, value).
    """

    seed: str
    title: str
    article: str
    explanation: str
    look: str
    state: PlaygroundState | CompareState | SweepState | TrainState
    inside: InsideState | None = None
    inside_look: str = ""
    printed: tuple[tuple[str, str, float], ...] = ()

    @property
    def page(self) -> str:
        if isinstance(self.state, TrainState):
            return "train"
        if isinstance(self.state, SweepState):
            return "sweep"
        return "playground" if isinstance(self.state, PlaygroundState) else "compare"

    @property
    def key(self) -> str:
        return f"lesson{self.seed}"

    @property
    def heading(self) -> str:
        """The card's heading: ``Seed 001 · ...`` for a seed article's experiment, the title for a paper's."""
        return f"Seed {self.seed} · {self.title}" if self.seed.isdigit() else self.title

    def query(self) -> dict[str, list[str]]:
        """The target page's query parameters for this lesson."""
        if isinstance(self.state, SweepState):
            return encode_sweep(self.state)
        if isinstance(self.state, TrainState):
            return encode_train(self.state)
        if isinstance(self.state, PlaygroundState):
            return encode_playground(self.state)
        return encode_compare(self.state)

    @property
    def configs(self):
        if isinstance(self.state, SweepState):
            return (self.state.config,)
        return self.state.optimizers if isinstance(self.state, PlaygroundState) else self.state.configs


def computed_numbers(lesson: Lesson) -> dict[str, float]:
    """The app's own values of the quantities the article printed: the final x1, x2 and loss y.

    The lesson's first configuration is run by the core on the lesson's exact set-up.

    Example:
        >>> nums = computed_numbers(LESSONS["001"])
        >>> print(f"{nums['x1']:.17g}")
        -0.10352260359924752
    """
    setup, cfg = lesson.state.setup, lesson.configs[0]
    t = optim.run(optim.make_optimizer(cfg.name, cfg.flavor, **cfg.hyperparameters), setup.build_objective(),
                  x0=list(setup.start), steps=setup.steps)
    x = np.asarray(t.xs[-1], dtype=float)
    return {"x1": float(x[0]), "x2": float(x[1]), "y": float(t.losses[-1])}


def side_by_side(setup: Setup, optimizers: tuple[OptConfig, ...]) -> dict:
    """A lesson's ``state`` and ``inside``: the same textbook optimizers on the same set-up in the Playground and
    on the Inside page."""
    return {"state": PlaygroundState(setup=setup, flavor="textbook", optimizers=optimizers),
            "inside": replace(default_inside(), setup=setup, optimizers=optimizers)}


def _lessons() -> dict[str, Lesson]:
    bowl = Setup()  # x^2 + 10 y^2 from (1.5, 1.5), 100 steps
    gd_000 = make_config("gd", lr=0.1)
    rms_000 = make_config("rmsprop", lr=0.1, decay=0.9, eps=1e-8, eps_in_sqrt=False)
    valley = replace(VALLEY_004, steps=300)
    ada_002 = make_config("adagrad", lr=0.1)
    rms_002 = make_config("rmsprop", lr=0.1, decay=0.9, eps=1e-8)
    zz = dict(default_inside().zigzag)
    zz_setup = zigzag_setup(zz["steep"], zz["steps"])
    out = [
        Lesson(
            "000", "Gradient descent against RMSprop on a bowl",
            "RMSprop, with a from-scratch implementation next to vanilla gradient descent",
            "The bowl x² + 10y² is ten times steeper in y than in x. With learning rate 0.1, gradient "
            "descent's y-step is 0.1 × 20y = 2y, so every step throws y to −y: it bounces between 1.5 and "
            "−1.5 forever and the loss never drops below 22.5. RMSprop divides each coordinate's gradient by "
            "the root of its recent squares, so its y-step stays near 0.1 in size whatever the slope, and it "
            "reaches the bottom within about 40 steps. The article adds epsilon outside the square root, as here.",
            "**Chart to look at: the Playground's Loss panel.** Gradient descent's line "
            "stays flat at 22.5 while RMSprop's drops by many decades within 40 steps. On the contour map "
            "gradient descent's path is the vertical line at x ≈ 0 jumping between y = 1.5 and −1.5.",
            **side_by_side(bowl, (gd_000, rms_000)),
            inside_look="The **y coordinate** column: gradient descent's gradient stays at 30 and its step at "
                        "3 for all 100 steps, while RMSprop's step falls from 0.3 to under 0.001 within 30 steps.",
        ),
        Lesson(
            "001", "RMSprop on 5x₁² + 7x₂², and the numbers the article printed",
            "RMSprop implemented from scratch on a simple quadratic",
            "RMSprop with learning rate 0.1, decay 0.9 and epsilon 1e-8 inside the square root runs 50 "
            "steps from (−4, 3). Dividing by the root of each coordinate's own recent squared gradients "
            "makes every step about 0.1 long in each coordinate, whatever the slope, so x₁ (4 away) and x₂ "
            "(3 away) close in at the same speed and the run ends just short of the minimum. The app's core "
            "reproduces the article's printed end point and loss to the last digit.",
            "**Chart to look at: the Playground's Contour map**: the path comes in "
            "diagonally, not along the steepest slope. This card compares the printed numbers with the app's.",
            PlaygroundState(setup=Setup(objective_params=(("a", 5.0), ("b", 7.0)), x0=-4.0, y0=3.0, steps=50),
                            flavor="textbook",
                            optimizers=(make_config("rmsprop", lr=0.1, decay=0.9, eps=1e-8, eps_in_sqrt=True),)),
            printed=(("x1", "final x₁", -0.10352260359924752), ("x2", "final x₂", 0.0025296212056016548),
                     ("y", "final loss y", 0.05362944016394148)),
        ),
        Lesson(
            "002", "AdaGrad stalls where RMSprop keeps going",
            "RMSprop explained: a dynamic learning rate (AdaGrad's problem, RMSprop's fix)",
            "AdaGrad divides by the root of the sum of every squared gradient so far. That sum only grows, "
            "so its steps only shrink: after 300 steps on the valley 0.1x² + 5y² it is still near x = 6, "
            "barely moving. RMSprop averages recent squared gradients instead, forgets the steep start, "
            "and its steps grow back as the gradients shrink, so it reaches the minimum.",
            "**Chart to look at: the Playground's Contour map**: AdaGrad's path stops "
            "short along the flat x direction; the Loss panel shows it levelling off near 5.",
            **side_by_side(valley, (ada_002, rms_002)),
            inside_look="The **effective learning rate** row: AdaGrad's falls without end while RMSprop's "
                        "climbs back up.",
        ),
        Lesson(
            "003", "RMSprop damps the zig-zag across a valley",
            "RMSProp (Coding Ninjas): slow the vertical direction, keep the horizontal one fast",
            f"A narrow valley {zz_setup.objective_params[0][1]:g}W² + {zz['steep']:g}b², weight W along it and "
            "bias b across it, at the article's learning rate 0.001 and decay 0.9. Gradient descent's "
            "b-step overshoots the valley floor every time, so it zig-zags across the valley for hundreds "
            "of steps while crawling along W. RMSprop scales each step by its coordinate's gradient "
            f"history: it walks straight down without the zig-zag and keeps its W-step as large as its "
            f"b-step. With a learning rate this small both take many steps, so the lesson runs "
            f"{zz['steps']}.",
            "**Chart to look at: the Playground's Contour map** (zoom in around the "
            "start, at the left of the valley): gradient descent's path is a fan of zig-zags, RMSprop's a "
            "straight line. The loss chart shows RMSprop ahead by the end.",
            PlaygroundState(setup=zz_setup, flavor="textbook", optimizers=zigzag_configs(zz["lr"], zz["decay"])),
            inside=replace(default_inside(), view="zigzag"),
            inside_look="The **zig-zag view**: each step split into W and b, gradient descent's b-step "
                        "flipping sign every time against RMSprop's steady one.",
        ),
        Lesson(
            "004", "EWMA momentum, AdaGrad and RMSprop on one valley",
            "The RMSProp notebook: RMSprop as EWMA momentum plus AdaGrad",
            "The three optimizers from the notebook on 0.1x₁² + 5x₂² from (9, −3), 100 steps each: EWMA "
            "momentum (β 0.9, lr 0.1, with bias correction), AdaGrad (lr 0.9) and RMSprop (decay 0.9, lr 0.1). "
            "Momentum carries its velocity past the valley floor in the steep x₂ direction (up to x₂ ≈ 1.8) "
            "before it settles. AdaGrad and RMSprop both scale each coordinate by its gradient history and "
            "take similar, direct paths; on a simple bowl like this they behave alike, as the notebook says.",
            "**Chart to look at: Compare's Paths, one panel per optimizer**, then its Loss curves.",
            CompareState(setup=VALLEY_004, configs=(
                make_config("ewma_momentum", lr=0.1, momentum=0.9, bias_correction=True),
                make_config("adagrad", lr=0.9, eps=1e-8),
                make_config("rmsprop", lr=0.1, decay=0.9, eps=1e-8),
            )),
            inside=replace(default_inside(), view="decay"),
            inside_look="The **decay and bias correction view**: how long RMSprop remembers, and what "
                        "EWMA momentum's bias correction does to its first steps.",
        ),
        FRACTAL,
        DISTINCTIONS,
    ]
    return {lesson.seed: lesson for lesson in out}


FRACTAL = Lesson(
    "fractal", "The edge is fractal",
    'Sohl-Dickstein, "The boundary of neural network trainability is fractal" (2024)',
    "Training applies one nonlinear map to the weights hundreds of times over, so, as for the Mandelbrot set, "
    "the boundary between the settings whose iterates stay bounded and those that blow up can fold back on itself "
    "at every scale. Sohl-Dickstein (2024) found the boundary between learning rates that train a network and "
    "learning rates that make it diverge fractal over more than ten decades; here gradient descent trains a "
    "two-weight tanh network with one learning rate per weight, and three zooms toward the edge, 1,000 times in "
    "all, show it keeps its structure.",
    "**Chart to look at: the Sweep page's map**, coloured by speed: blue runs stayed bounded and red ones "
    "diverged, darkest next to the edge, where training is slowest. **Whole map** goes back to three decades of "
    "each rate, where the edge looks like a smooth curve; **Zoom toward the edge** goes ten times deeper.",
    SweepState(replace(setup_for_objective(Setup(), "tiny_network"), steps=100), make_config("gd"), "lr_y",
               0.01, 10.0, 512, 0.01, 10.0, 512, "speed",
               # What "Zoom toward the edge" opens three times in a row on these maps (a test recomputes them).
               zoom=((2.0137786940986313, 4.018016739022243, 1.9600631268699653, 3.910840092003708),
                     (2.9381394676787402, 3.1482731610983152, 2.5840410758744006, 2.768849898326375),
                     (3.030700724812539, 3.0517085386258627, 2.638559715979917, 2.6568493381768006))),
)
"""Sohl-Dickstein's map for the tiny network: 512 x 512 runs of 100 steps, as the paper's notebook makes them."""


DISTINCTIONS = Lesson(
    "network", "Where the distinctions emerge",
    "Seed 004's closing point, and Li et al., \"Visualizing the Loss Landscape of Neural Nets\" (2018)",
    "On quadratic bowls the optimizers look alike; seed 004 ends by saying their real differences emerge in the "
    "non-convex landscapes of neural networks, where curvature changes and gradients are noisy. Here gradient "
    "descent (on mini-batches, without momentum), SGD with momentum, RMSprop and Adam, at PyTorch's rules, each "
    "train five 2-16-16-1 tanh networks (five initialisations and shufflings) on the two-arm spiral, 2,000 steps "
    "of 32 points.",
    "**Charts to look at: Loss and test accuracy**, then **Step size against weight size**. For the first 500 steps "
    "the four median losses are still between 0.57 and 0.65, where a bowl would already tell them apart; after 2,000 "
    "steps the median test accuracy is 95% for Adam, 88% for RMSprop, 66% for SGD with momentum and 52% for gradient "
    "descent, which is still at chance. Per layer, gradient descent's and SGD's first steps change the first layer's "
    "weights by about 0.003, several times less than the later layers'. Adam's first step moves every weight by its "
    "learning rate, 0.01, whatever the gradient, so each layer's step starts at 0.01 times the root of its number of "
    "weights, and its first-layer steps are about ten times SGD's; SGD's steps grow as it trains and Adam's "
    "shrink. The loss landscape slice through Adam's final weights shows where its path went, "
    "and how much of the other paths that plane holds.",
    TrainState(data="spiral", noise=0.05, n=400, layers=2, width=16, activation="tanh",
               configs=(make_config("gd", "torch", lr=0.3), make_config("sgd", "torch", lr=0.05, momentum=0.9),
                        make_config("rmsprop", "torch", lr=0.01), make_config("adam", "torch", lr=0.01)),
               batch=32, epochs=200, seeds=5, run=4, run_seed=1, slice="pca"),
)
"""Four optimizers on the spiral over five seeds (a test re-runs it and checks the lesson's numbers)."""


LESSONS: dict[str, Lesson] = _lessons()
"""Every lesson by seed number, in the articles' order, then the fractal edge's (``"fractal"``) and the network's
(``"network"``)."""


SHOWN = ("lr", "momentum", "decay", "beta1", "beta2", "eps", "eps_in_sqrt", "bias_correction")
"""Settings a lesson card lists (the page it opens has every setting)."""
_NAMES = {"lr": "lr", "momentum": "momentum", "decay": "decay", "beta1": "β₁", "beta2": "β₂", "eps": "ε"}


def describe_config(cfg) -> str:
    """A configuration in a few words for a card, e.g. "RMSprop: lr 0.1, decay 0.9, ε 1e-08 outside the root".

    Example:
        >>> describe_config(make_config("ewma_momentum", lr=0.1, momentum=0.9))
        'EWMA momentum: lr 0.1, β 0.9, with bias correction'
    """
    hp = cfg.hyperparameters
    parts = []
    for name in SHOWN:
        if name not in hp:
            continue
        v = hp[name]
        if name == "momentum" and cfg.name != "sgd":
            if cfg.name == "ewma_momentum":
                parts.append(f"β {v:g}")
            elif v:
                parts.append(f"momentum {v:g}")
            continue
        if name == "eps_in_sqrt":
            parts[-1] += " inside the root" if v else " outside the root"
        elif name == "bias_correction":
            parts.append("with bias correction" if v else "without bias correction")
        else:
            parts.append(f"{_NAMES[name]} {v:g}")
    flavor = "" if cfg.flavor == "textbook" else f" ({cfg.flavor})"
    return f"{cfg.title}{flavor}: {', '.join(parts)}"


def describe_setup(setup: Setup) -> str:
    """The run in a few words: start and steps (the formula is shown beside it)."""
    return f"from ({setup.x0:g}, {setup.y0:g}), {setup.steps} steps"


def card_items(lesson: Lesson) -> list[str]:
    """The card's list after the formula: the run, then each configuration (a sweep: its map and zoom)."""
    if isinstance(lesson.state, TrainState):
        s = lesson.state
        items = [f"{s.data}, {s.n} points (noise {s.noise:g}), a {'-'.join(map(str, s.sizes()))} {s.activation} "
                 f"network, batches of {s.batch} for {s.epochs} epochs, {s.seeds} seeds"]
        return items + [describe_config(c) for c in lesson.configs]
    setup = lesson.state.setup
    if isinstance(lesson.state, SweepState):
        s = lesson.state
        rows, cols = s.shape
        items = [f"{describe_setup(setup)}, {rows} x {cols} runs of {lesson.configs[0].title.lower()}: lr across "
                 f"({s.lr_min:g} to {s.lr_max:g}) and {s.second} up ({s.second_min:g} to {s.second_max:g})"]
        if s.zoom:
            factor = factor_text(zoom_factor(s.root, s.window, s.second))
            items.append(f"zoomed {factor} toward the edge, in {len(s.zoom)} steps")
        return items
    return [describe_setup(setup)] + [describe_config(c) for c in lesson.configs]
