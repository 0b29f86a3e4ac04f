"""The code's shape, checked: modules talk through public names, app modules stay small, ``ui/`` shows the pages.

The rules the next person relies on when they open a file: a name starting with ``_`` is that module's own,
so nothing else (tests included) imports it or reaches into it; no module of app code grows past 400 lines
(split by idea before then); ``ui/`` keeps at most 12 files at its top, with one package per page below.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = [ROOT / "app.py", *(p for d in ("pages", "ui", "viz", "optim") for p in (ROOT / d).rglob("*.py"))]
ALL = APP + [p for d in ("tests", "tools", "benchmarks") for p in (ROOT / d).rglob("*.py")]
MAX_LINES = 400
MAX_UI_TOP = 12


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


SCRIPT_DIRS = ("tests", "benchmarks")
"""Folders whose modules import each other by bare name (``from app_helpers import …``): pytest and the
benchmark scripts put them on ``sys.path``, so their helpers are project modules too."""


def project_module(dotted: str, here: Path, level: int) -> Path | None:
    """The project file or package a (possibly relative) import names, or None for a library."""
    base = here.parent
    for _ in range(level - 1):
        base = base.parent
    parts = dotted.split(".") if dotted else []
    starts = [base] if level else [ROOT, here.parent, *(ROOT / d for d in SCRIPT_DIRS)]
    for start in starts:
        target = start.joinpath(*parts)
        for candidate in (target.with_suffix(".py"), target / "__init__.py"):
            if parts and candidate.is_file() or (not parts and level and candidate.name == "__init__.py"):
                return candidate
    return None


def crossings(path: Path) -> list[str]:
    """Where ``path`` imports a private name from another module, or reads one off a module it imported."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: set[str] = set()  # local names bound to project modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if project_module(a.name, path, 0):
                    modules.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            source = project_module(node.module or "", path, node.level)
            if source is None and node.level == 0:
                continue
            for a in node.names:
                if private(a.name):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name}")
                sub = project_module(f"{node.module}.{a.name}" if node.module else a.name, path, node.level)
                if sub is not None:
                    modules.add(a.asname or a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr) and isinstance(node.value, ast.Name) \
                and node.value.id in modules:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [c for p in ALL for c in crossings(p)]
    assert not found, "\n".join(found)


def test_the_check_finds_a_private_import(tmp_path, monkeypatch):
    """What makes the test above able to fail: a module importing and reading another's private names."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("_secret = 1\n")
    (tmp_path / "pkg" / "b.py").write_text("from . import a\nfrom .a import _secret\nx = a._secret + _secret\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert [c.split(" ", 1)[1] for c in crossings(tmp_path / "pkg" / "b.py")] == ["imports _secret", "reads a._secret"]


def test_the_check_finds_a_private_import_between_test_helpers(tmp_path, monkeypatch):
    """Tests import their helpers by bare name (pytest puts ``tests/`` on the path): the check follows those too."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "helpers.py").write_text("_secret = 1\n")
    (tmp_path / "tests" / "test_x.py").write_text("import helpers\nfrom helpers import _secret\nx = helpers._secret\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert [c.split(" ", 1)[1] for c in crossings(tmp_path / "tests" / "test_x.py")] == [
        "imports _secret", "reads helpers._secret"]


def test_app_modules_stay_under_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in APP if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these by idea: {long}"


def test_ui_keeps_at_most_12_files_at_its_top():
    top = sorted(p.name for p in (ROOT / "ui").glob("*.py"))
    assert len(top) <= MAX_UI_TOP, top
