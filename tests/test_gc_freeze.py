"""The import-time heap is frozen once, so Streamlit's collection after each run walks only what runs made."""

from __future__ import annotations

import gc
import pkgutil
import sys
import weakref

from ui.router import PACKAGES, freeze_imports


def test_every_module_of_the_app_is_imported_before_the_freeze():
    frozen = freeze_imports()
    assert frozen > 10_000, "the modules' own objects are in the permanent generation"
    for name in PACKAGES:
        for module in pkgutil.walk_packages(sys.modules[name].__path__, f"{name}."):
            assert module.name in sys.modules, f"{module.name} was imported before the freeze"


def test_freezing_happens_once_and_a_runs_garbage_is_still_collected():
    freeze_imports()
    fresh = [[] for _ in range(100)]
    freeze_imports()
    walked = {id(o) for o in gc.get_objects()}  # every generation but the permanent one
    assert all(id(o) in walked for o in fresh), "a second call freezes nothing more"

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    alive = weakref.ref(a)
    del a, b
    gc.collect(2)
    assert alive() is None, "garbage made after the freeze is collected"

