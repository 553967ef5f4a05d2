"""The app's number box (number_box.vue): the typed text travels with its Enter/blur event, so the server
never sees the Enter before the value. Used by the room's team levers and the single-user page's levers."""

from __future__ import annotations

from collections.abc import Callable

import solara


@solara.component_vue("number_box.vue")
def NumberBox(text: str, event_typed: Callable[[str], None], disabled: bool = False):
    """A number box that sends what was typed with its Enter/blur event (see number_box.vue)."""


def parse_number(text: str, what: str) -> float:
    """The typed text as a number, or a one-line ConfigError naming the box."""
    from ..errors import ConfigError

    try:
        return float(text)
    except ValueError:
        raise ConfigError(what, f"'{text[:20]}' is not a number", "a number such as 0.6") from None
