"""The hostile values the widget walk sends, by widget type (``CASES``): what a browser can send and what
only a crafted websocket message can, each a :class:`Case` built from the widget it goes to.

Kept apart from the walk (``test_widget_walk.py``, whose docstring says what each kind must do to a page) so
a new widget type's values are added here, next to the others; the values reach the server through
``widget_wire.send``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from streamlit.proto.NumberInput_pb2 import NumberInput as NumberInputProto
from streamlit.testing.v1.element_tree import Widget
from widget_wire import send

from optim.models import MAX_CSV_BYTES, MAX_ROWS

NO_BAD_VALUE = {"checkbox", "toggle", "button", "download_button"}
"""Widgets whose wire value is one bool (or a click): either value is a valid choice."""

TEXTS = {
    "empty": "",
    "not a formula": "abc",
    "100 kB": "x" * 100_000,
    "unicode garbage": "ℝ∞ → 💥 \u202e x\x00y",
    "code": "__import__('os').system('echo pwned')",
    "a constant beyond float range": "1e309 * x",
    "unbalanced": "(x + y",
}
FILES = {
    "text in a numeric column": b"x,y\n1,2\n3,four\n5,6\n",
    "an empty file": b"",
    "one column": b"x\n1\n2\n3\n",
    "1 MB + 1 byte": (b"1,2\n" * (MAX_CSV_BYTES // 4 + 1))[:MAX_CSV_BYTES + 1],
    "binary garbage": bytes(range(256)) * 16,
    "NaN and inf": b"x,y\n1,2\nnan,3\n4,inf\n5,6\n",
    "too many rows": b"x,y\n" + b"1,2\n" * (MAX_ROWS + 1),
    "a header only": b"x,y\n",
}


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    what: str
    state: dict  # the widget state sent; empty for a file (``upload``)
    upload: tuple[str, bytes] | None = None
    refused: bool = False  # the page cannot use it, so it must say so (other cases may be fine as they are)

    def apply(self, w: Widget) -> None:
        if self.upload:
            w.set_value((*self.upload, "text/csv"))
        else:
            send(w, self.state)


def _number_browser(w) -> list[Case]:
    return [Case("its minimum", {"double_value": w.min}), Case("its maximum", {"double_value": w.max})]


def _number_forged(w) -> list[Case]:
    cases = [Case("just below its minimum", {"double_value": w.min - 1}),
             Case("just above its maximum", {"double_value": w.max + 1}),
             Case("1e308", {"double_value": 1e308}),
             Case("-1e308", {"double_value": -1e308})]
    if w.proto.data_type != NumberInputProto.INT:  # see test_streamlit_rejects_non_finite_integers_...
        cases += [Case("1e309 (infinity)", {"double_value": math.inf}), Case("NaN", {"double_value": math.nan})]
    return cases


def _is_range(w) -> bool:
    return isinstance(w.value, (list, tuple))


def _slider_browser(w) -> list[Case]:
    first, last = w.options[0], w.options[-1]
    if _is_range(w):
        return [Case("its full range", {"string_array_value": [first, last]}),
                Case("a range of one point", {"string_array_value": [last, last]})]
    return [Case("its first stop", {"string_array_value": [first]}),
            Case("its last stop", {"string_array_value": [last]})]


def _slider_forged(w) -> list[Case]:
    first, last = w.options[0], w.options[-1]
    return [Case("an unknown label", {"string_array_value": ["zz"] * (2 if _is_range(w) else 1)}),
            Case("'nan'", {"string_array_value": ["nan"]}),
            Case("no value", {"string_array_value": []}),
            Case("three values", {"string_array_value": [first, first, last]}),
            Case("a reversed range" if _is_range(w) else "two values", {"string_array_value": [last, first]})]


def _choice_forged(w) -> list[Case]:
    return [Case("an unknown option", {"string_value": "zz"}), Case("an empty option", {"string_value": ""})]


def _most(w) -> int:
    return w.proto.max_selections or len(w.options)


def _multi_browser(w) -> list[Case]:
    return [Case("nothing chosen", {"string_array_value": []}, refused=True),
            Case("as many as allowed", {"string_array_value": w.options[:_most(w)]})]


def _multi_forged(w) -> list[Case]:
    first = w.options[0]
    return [Case("an unknown option", {"string_array_value": [first, "zz"]}),
            Case("a repeated option", {"string_array_value": [first, first]}),
            Case("one more than allowed", {"string_array_value": w.options[:_most(w) + 1]})]


def _group_browser(w) -> list[Case]:
    return [] if w.proto.required else [Case("nothing chosen", {"string_array_value": []})]


def _group_forged(w) -> list[Case]:
    return [Case("nothing chosen", {"string_array_value": []}),
            Case("an unknown option", {"string_array_value": ["zz"]}),
            Case("two options", {"string_array_value": w.options[:2]})]


def _text_browser(w) -> list[Case]:
    return [Case(what, {"string_value": text}, refused=True) for what, text in TEXTS.items()]


def _file_browser(w) -> list[Case]:
    return [Case(what, {}, (f"{what.replace(' ', '_')}.csv", content), refused=True)
            for what, content in FILES.items()]


def _none(w) -> list[Case]:
    return []


# type -> (what a browser can send, what only a crafted message can)
CASES: dict[str, tuple[Callable[[Widget], list[Case]], Callable[[Widget], list[Case]]]] = {
    "number_input": (_number_browser, _number_forged),
    "select_slider": (_slider_browser, _slider_forged),
    "selectbox": (_none, _choice_forged),  # every option the browser offers is valid
    "radio": (_none, _choice_forged),
    "multiselect": (_multi_browser, _multi_forged),
    "button_group": (_group_browser, _group_forged),
    "text_input": (_text_browser, _none),  # the browser sends any text, so nothing is only forged
    # a file over Streamlit's 1 MiB never reaches the page (the upload endpoint refuses it; AppTest skips that)
    "file_uploader": (_file_browser, _none),
    **{t: (_none, _none) for t in NO_BAD_VALUE},
}
