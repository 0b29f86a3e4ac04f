"""The page registry (``ui.router.PAGES``): the navigation, the pages' key prefixes and the walks all read it."""

from __future__ import annotations

import ast
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from ui.router import BY_SLUG, PAGES, pages

ROOT = Path(__file__).resolve().parents[1]


def test_every_page_file_is_registered_and_every_entry_has_its_file():
    assert {p.slug for p in PAGES} == {f.stem for f in (ROOT / "pages").glob("*.py")}
    assert all((ROOT / p.file).is_file() for p in PAGES)
    assert len(BY_SLUG) == len(PAGES)


def test_the_navigation_is_built_from_the_registry(monkeypatch):
    monkeypatch.setattr(st, "Page", lambda page, **kw: (Path(page), kw))  # what the router asks Streamlit for
    nav = pages()
    assert [(page, kw["url_path"], kw["title"], kw["icon"]) for page, kw in nav] == [
        (ROOT / p.file, p.slug, p.title, p.icon) for p in PAGES]
    assert [kw["default"] for _, kw in nav] == [True] + [False] * (len(PAGES) - 1)


def page_prefix_call(page: str) -> tuple[str, str]:
    """Where a page file's ``PAGE`` (its key prefix) comes from: the function whose result's first item it is
    (``PAGE, current, message_slot = start_page("compare", ...)``) and that call's first argument."""
    tree = ast.parse((ROOT / BY_SLUG[page].file).read_text())
    (value,) = [n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Tuple) and isinstance(t.elts[0], ast.Name) and t.elts[0].id == "PAGE"]
    return ast.unparse(value.func), ast.literal_eval(value.args[0])


def test_pages_take_their_key_prefix_from_the_registry_and_prefixes_differ():
    kept = [p for p in PAGES if p.prefix]
    assert len({p.prefix for p in kept}) == len(kept)
    for p in kept:
        assert page_prefix_call(p.slug) == ("start_page", p.slug)
    start_page = next(n for n in ast.parse((ROOT / "ui" / "router.py").read_text()).body
                      if isinstance(n, ast.FunctionDef) and n.name == "start_page")
    (returned,) = [ast.unparse(n.value) for n in ast.walk(start_page) if isinstance(n, ast.Return)]
    assert returned == "(entry.prefix, current, slot)"
    assert "entry = BY_SLUG[slug]" in ast.unparse(start_page)


def test_every_linked_page_round_trips_its_default_state():
    for p in PAGES:
        if p.linked:
            state, messages = p.decode(p.encode(p.default()))
            assert state == p.default() and messages == [], p.slug


def test_the_app_opens_every_registered_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for p in PAGES:
        at.switch_page(p.file).run()
        assert not at.exception, (p.slug, [e.value for e in at.exception])
