"""How an AppTest widget maps to what a browser sends: the widgets on a page, what each holds as the browser
shows it, the raw ``WidgetState`` that sends a value (``send``), and whether a held value is one the widget allows.

Shared by the widget walk (``test_widget_walk.py``) and its hostile values (``widget_cases.py``), so that file
holds only the walk and its tests. ``send`` relies on AppTest's private ``_widget_state`` hook;
``test_widget_walk.test_sending_reaches_the_server`` checks it still works.
"""

from __future__ import annotations

import math

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

# ---------------------------------------------------------------- widgets and what the browser sends


def widgets(at: AppTest) -> dict[str, Widget]:
    """Every widget on the page, by id, main area and sidebar."""
    found: dict[str, Widget] = {}

    def visit(node) -> None:
        if isinstance(node, Widget):
            found[node.id] = node
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at.main)
    visit(at.sidebar)
    return found


def name(w: Widget) -> str:
    return f"{w.type} {w.key or w.id!r} ({w.label!r})" if hasattr(w, "label") else f"{w.type} {w.key or w.id!r}"


def labels(w: Widget, values) -> list[str]:
    """Option values as the option labels the browser shows and sends."""
    return [str(w.format_func(v)) for v in values]


def shown(w: Widget):
    """What the widget holds, as the browser would show it (labels for choices)."""
    if w.type in ("select_slider", "multiselect"):
        value = w.value
        return labels(w, value if isinstance(value, (list, tuple)) else [value])
    if w.type in ("selectbox", "radio"):
        return None if w.value is None else labels(w, [w.value])
    if w.type == "button_group":
        return list(w.formatted_values)
    if w.type == "file_uploader":
        return None if w.value is None else w.value.name
    return w.value


def wire(w: Widget) -> dict:
    """The widget state that puts ``w`` back to what it holds now."""
    if w.type == "number_input":
        return {"double_value": w.value}
    if w.type == "text_input":
        return {"string_value": w.value}
    if w.type in ("selectbox", "radio"):
        return {"string_value": shown(w)[0]}
    return {"string_array_value": shown(w)}


def offers(w: Widget, state: dict) -> bool:
    """Whether ``w`` still offers the labels in ``state``: a log slider's stops include its current value,
    so a value off the grid is no longer a stop once the slider has moved."""
    chosen = state.get("string_array_value", [])
    return not hasattr(w, "options") or set(chosen) <= set(w.options)


def send(w: Widget, state: dict) -> None:
    """Make ``w`` send this raw widget state on the next run, as the browser (or a crafted message) would.

    AppTest builds each widget's state in the private ``_widget_state`` property; this swaps it
    for a fixed one. :func:`test_sending_reaches_the_server` checks that the hook still works.
    """
    ws = WidgetState(id=w.id)
    for field, value in state.items():
        if field.endswith("array_value"):
            getattr(ws, field).data[:] = value
        else:
            setattr(ws, field, value)
    w.__class__ = type(f"Sent{type(w).__name__}", (type(w),), {"_widget_state": property(lambda _: ws)})


def allowed(w: Widget) -> bool:
    """Whether ``w`` holds a value its own definition allows (range, options, count)."""
    if w.type == "number_input":
        return w.value is None or (math.isfinite(w.value) and w.min <= w.value <= w.max)
    if w.type in ("select_slider", "selectbox", "radio", "multiselect", "button_group"):
        held = shown(w) or []
        most = getattr(w.proto, "max_selections", 0) or len(w.options)
        return set(held) <= set(w.options) and len(held) == len(set(held)) <= most
    return True
