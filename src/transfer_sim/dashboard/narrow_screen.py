"""Closes the sidebar when the page first shows on a narrow screen, where it would cover the tabs."""

from __future__ import annotations

import solara


@solara.component_vue("narrow_screen.vue")
def CloseSidebarOnNarrowScreen():
    """Draws nothing; acts once in the browser (see ``narrow_screen.vue``)."""
