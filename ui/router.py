"""The app's shell: the page registry, the pages' guard, first lines and link box, and the favicon.

:data:`PAGES` is the one list of pages: the router (``app.py``) builds the navigation from it, pages read
their session-key prefix from it, lessons switch pages by it, and every walk in the tests (hostile links,
every widget, layouts at three window sizes, reset) iterates over it, so a page is covered the moment it is
registered here.

Why the guard: with a ``pages/`` folder next to ``app.py``, a freshly started Streamlit
server runs a page file *directly* (its old folder-based mode, skipping ``app.py``) until
some session has called ``st.navigation``. A shared link to ``/compare`` opened first on a
new server would then get the wrong layout and navigation. :func:`ensure_routed` notices
that the router did not run and hands over to it, once per server.

The favicon is drawn with NumPy (level sets of a bowl and a path sliding into it): a ``:material/...``
page icon makes every page load fetch the icon from Google's font servers, while an image is served by
the app itself, so a hosted or offline workshop makes no outside request (:func:`page_config` sets it, also
before the guard's navigation). It is drawn and encoded once:
every rerun sets the page config, and PNG bytes need no encoding again.

Why :func:`freeze_imports`: Streamlit calls ``gc.collect(2)`` at the end of every run (``runner.postScriptGC``, on
by default, so a run's garbage is returned before the next). A full collection visits every object the collector
tracks, and almost all of them belong to the imported modules: plotly's figure classes and validators, pandas,
NumPy, Streamlit and this app (about 160,000 objects). Seen with a sampling profiler in the server, that took
about 24 ms after each Playground run, about as long as the page's own script, holding the interpreter: the server
could not send the run's last messages meanwhile, and every other session waited as long. ``gc.freeze()`` moves
the objects alive at that moment into a permanent generation that collections skip. Modules, classes and
functions live as long as the process, so nothing collectable is kept; garbage a run makes is still collected
after it. Every module of the app's packages is imported first, so a page opened later (a page imports what it
needs on its first run) adds nothing the collector walks again. The first session's objects alive at that moment
are frozen too: whatever of them later ends up in a reference cycle is never collected (once, a bounded amount).
"""

from __future__ import annotations

import gc
import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import numpy as np
import streamlit as st
from PIL import Image

from . import state
from .basins.state import decode_basins, default_basins, encode_basins
from .inside.state import decode_inside, default_inside, encode_inside
from .minibatch.state import MiniBatchState, decode_minibatch, encode_minibatch
from .model import default_compare, default_playground
from .sweep.state import decode_sweep, default_sweep, encode_sweep
from .train.state import TrainState, decode_train, encode_train
from .tune.state import decode_tune, default_tune, encode_tune
from .urlstate import decode_compare, decode_playground, encode_compare, encode_playground

ROOT = Path(__file__).resolve().parents[1]
_ROUTED = "_routed"


@dataclass(frozen=True)
class PageEntry:
    """One page of the app.

    Attributes:
        slug: its address (``/compare``) and its file, ``pages/<slug>.py``.
        title: its name in the navigation.
        icon: its navigation icon (a Material symbol, drawn from Streamlit's bundled font).
        prefix: the prefix of its widget and session keys (``cmp.``), so each page keeps its own choices
            (empty for a page that keeps no state).
        charts: how many live charts its default view draws (what a test checks is still there).
        default: its default state (None for a page without a link state).
        encode: its state as a link's query parameters ``{name: [value]}``.
        decode: a link back to ``(state, one sentence per bad value)``; it never raises.
        heading: the title over the page, when it says more than the navigation's name.
    """

    slug: str
    title: str
    icon: str
    prefix: str
    charts: int
    default: Callable[[], Any] | None = None
    encode: Callable[[Any], dict[str, list[str]]] | None = None
    decode: Callable[[dict[str, list[str]]], tuple[Any, list[str]]] | None = None
    heading: str = ""

    @property
    def file(self) -> str:
        """The page's file as ``st.switch_page`` and AppTest take it (relative to ``app.py``)."""
        return f"pages/{self.slug}.py"

    @property
    def linked(self) -> bool:
        """Whether the page keeps its view in its link."""
        return self.decode is not None


PAGES: tuple[PageEntry, ...] = (
    PageEntry("playground", "Playground", ":material/explore:", "pg", 1, default_playground, encode_playground,
              decode_playground),
    PageEntry("compare", "Compare", ":material/compare_arrows:", "cmp", 2, default_compare, encode_compare,
              decode_compare),
    PageEntry("sweep", "Sweep", ":material/grid_on:", "sw", 1, default_sweep, encode_sweep, decode_sweep),
    PageEntry("tune", "Tune", ":material/tune:", "tn", 1, default_tune, encode_tune, decode_tune),
    PageEntry("basins", "Basin maps", ":material/map:", "bs", 1, default_basins, encode_basins, decode_basins),
    PageEntry("minibatch", "Mini-batch", ":material/scatter_plot:", "mb", 3, MiniBatchState, encode_minibatch,
              decode_minibatch, heading="Mini-batch training"),
    PageEntry("train", "Train a network", ":material/neurology:", "tr", 4, TrainState, encode_train, decode_train),
    PageEntry("inside", "Inside RMSprop", ":material/biotech:", "in", 3, default_inside, encode_inside,
              decode_inside),
    PageEntry("lessons", "Lessons", ":material/school:", "", 0),
)
"""Every page, in navigation order; the first opens at the app's root address."""

NAVIGATION_KEY = "_router.pages"
"""The session's navigation pages (:func:`pages`); ``_``-prefixed like every entry that is not a widget."""

BY_SLUG = {p.slug: p for p in PAGES}
"""The registry by address: ``BY_SLUG["compare"].prefix``."""

PACKAGES = ("optim", "viz", "ui")
"""The app's packages: :func:`freeze_imports` imports them whole before it freezes."""


@cache
def freeze_imports() -> int:
    """Import every module of :data:`PACKAGES`, do the rest of a process's first run's one-time work, then freeze
    every object alive (see the module's docstring); once per process: ``serve.py``'s start-up calls it (once
    Streamlit's runtime exists, before the first run), ``app.py`` on its first run when started without
    ``serve.py``. Returns how many objects it froze.

    The one-time work, 0.3 s of a new server's first run in a profile: the favicon's PNG (PIL's first use), and
    the map from module files to modules that :mod:`inspect` builds on its first look at a stack (Streamlit's
    first element of a process asks ``inspect.stack()`` whether it runs in a REPL; from the script's deep stack,
    after the app's imports, that first look resolved the path of every module's file). Done here, the first run
    of a new server, which is also the run a page reconnecting after a restart asks for, is that much shorter."""
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(module.name)
    favicon()
    inspect.stack()
    gc.collect()  # what the imports threw away is freed, not frozen
    gc.freeze()
    return gc.get_freeze_count()


def pages() -> list:
    """The navigation's pages (``st.navigation`` takes them), built from :data:`PAGES` once per session.

    Building them costs every rerun about 2 ms (each ``st.Page`` resolves its script and registers a metric), a
    twentieth of a Playground rerun. They are kept per session, not per server: ``st.navigation`` marks the page
    it returns as the one that may run, and a session's runs take turns, while two sessions' runs do not."""
    built = st.session_state.get(NAVIGATION_KEY)
    if built is None:
        built = st.session_state[NAVIGATION_KEY] = [
            st.Page(ROOT / p.file, title=p.title, icon=p.icon, url_path=p.slug, default=i == 0)
            for i, p in enumerate(PAGES)]
    return built


def start_page(slug: str, caption: str) -> tuple[str, Any, Any]:
    """A linked page's first lines, the same on every page: hand over to the router if Streamlit skipped it, the
    page's heading and ``caption`` (what the page is for, in a sentence or three), a slot for the link's
    messages (the page fills it once it has run, so they say what the run did), the state the link asks for,
    and the sidebar's reset button. Returns ``(the page's key prefix, state, message slot)``."""
    ensure_routed()
    entry = BY_SLUG[slug]
    st.title(entry.heading or entry.title)
    st.caption(caption)
    slot = st.empty()
    current = state.load(entry.prefix, entry.decode, entry.default)
    state.reset_button(entry.prefix, entry.default)
    return entry.prefix, current, slot


def link_box(slug: str, view: Any, title: str, caption: str) -> None:
    """A linked page's "link to this view" box: a heading ``title``, the ``caption`` and the link that reopens
    ``view`` on page ``slug``, on the host and path the app is served from (the page's own address, also when
    the person opened the app at its root). The address bar holds the same link; a page whose view takes many
    settings (Compare, Train) shows it again in full, with a copy button."""
    st.subheader(title)
    base_url = urlsplit(st.context.url or "")
    path = base_url.path.rstrip("/")
    if not path.endswith(f"/{slug}"):
        path += f"/{slug}"
    origin = f"{base_url.scheme}://{base_url.netloc}" if base_url.netloc else ""
    st.caption(caption)
    st.code(f"{origin}{path}?{urlencode(BY_SLUG[slug].encode(view), doseq=True)}", language=None, wrap_lines=True)


def mark_routed() -> None:
    """Called by ``app.py`` just before it runs the chosen page."""
    st.session_state[_ROUTED] = True


def _folder_mode() -> bool:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a future Streamlit without the old mode
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def ensure_routed() -> None:
    """Pages call this first: if Streamlit ran this page without the router, switch to the router."""
    routed = st.session_state.pop(_ROUTED, False)
    if not routed and _folder_mode():
        page_config()  # before the navigation, or the browser takes the page's Material icon for the tab's
        st.navigation(pages(), position="hidden")  # turns the folder mode off for every session
        st.rerun()


def page_config() -> None:
    """The app's page config: its title, its own favicon, the wide layout and an open sidebar.

    Set before every ``st.navigation``: the browser takes the current page's icon for the tab's when a navigation
    arrives before the app has set one, and a ``:material/...`` icon is fetched from Google's font servers."""
    st.set_page_config(page_title="Descent Lab", page_icon=favicon(), layout="wide",
                       initial_sidebar_state="expanded")


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
