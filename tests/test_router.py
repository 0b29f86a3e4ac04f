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


def page_prefix_expression(page: str) -> str:
    """The source of the expression a page file assigns to ``PAGE`` (its key prefix)."""
    tree = ast.parse((ROOT / BY_SLUG[page].file).read_text())
    (value,) = [n.value for n in tree.body if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "PAGE" for t in n.targets)]
    return ast.unparse(value)


def test_pages_take_their_key_prefix_from_the_registry_and_prefixes_differ():
    kept = [p for p in PAGES if p.prefix]
    assert len({p.prefix for p in kept}) == len(kept)
    for p in kept:
        assert page_prefix_expression(p.slug) == f"BY_SLUG['{p.slug}'].prefix"


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
