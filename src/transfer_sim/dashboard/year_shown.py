"""Reports back to the server the simulated year the browser has received (see ``state.wait_for_page``)."""

from __future__ import annotations

from typing import Callable

import solara


@solara.component_vue("year_shown.vue")
def YearShown(year: int, event_shown: Callable[[int], None]):
    """Draws nothing; calls ``event_shown(year)`` in the server once the browser has ``year``."""
