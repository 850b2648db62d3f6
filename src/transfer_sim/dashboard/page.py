"""The dashboard page: controls in the sidebar, the year and progress on top, the tabs below."""

from __future__ import annotations

import solara
import solara.lab

from . import solara_server, state
from .about_panel import AboutPanel
from .compare_panel import ComparePanel
from .controls import Controls
from .flows_panel import FlowsPanel
from .language import LanguageSwitch, tr
from .lessons_panel import LessonBar, LessonsPanel
from .map_panel import MapPanel
from .narrow_screen import CloseSidebarOnNarrowScreen
from .page_address import use_page_address
from .projector import ProjectorStyle, ProjectorSwitch
from .sectors_panel import SectorsPanel
from .status import Status
from .theory_panel import TheoryPanel
from .trends_panel import TrendsPanel

solara_server.configure()

#: Charts go one to a row when the content beside the sidebar is narrower than two whole charts
#: (a 1280 px laptop with the sidebar open), whatever the screen's own width.
STYLE = """
.tsim-year { font-size: 1.35rem; font-weight: 600; margin-right: 12px; }
.tsim-explain { font-size: 0.78rem; color: #666; white-space: normal; overflow-wrap: anywhere; }
.tsim-warning { font-size: 0.78rem; color: #a15c00; white-space: normal; }
.tsim-section { font-weight: 600; margin-top: 6px; }
.tsim-lever { padding: 4px 0 8px 0; border-bottom: 1px solid #eee; }
.tsim-lever-title { font-size: 0.85rem; }
.tsim-levers .v-expansion-panel-content__wrap { padding: 0 12px 8px 12px; }
.tsim-figure { min-height: 200px; }
.v-tab { min-width: 64px !important; padding: 0 12px !important; }
.tsim-lesson { padding: 8px 12px; margin: 4px 0 8px 0; border-left: 4px solid #1976d2; background: #f3f8fd !important; }
.tsim-lesson .v-sheet { background: transparent !important; }
.tsim-lesson-card { padding: 12px 16px; margin-bottom: 12px; border: 1px solid #e0e0e0; border-radius: 4px; }
.tsim-look { font-size: 1.05rem; }
.v-content { container-type: inline-size; }
@container (max-width: 1100px) { .col-lg-6, .col-xl-4 { flex: 0 0 100%; max-width: 100%; } }
"""


@solara.component
def SnapshotTab(panel):
    """A tab that shows the latest snapshot, or says that the first one is on its way."""
    snap = state.snapshot.value
    if snap is None:
        solara.Text(tr("status.preparing"))
    else:
        panel(snap)


#: The tabs in their order: key (as in the page's address) -> (message id of the title, content).
TABS = {
    "map": ("tab.map", lambda: SnapshotTab(MapPanel)),
    "trends": ("tab.trends", lambda: SnapshotTab(TrendsPanel)),
    "flows": ("tab.flows", lambda: SnapshotTab(FlowsPanel)),
    "sectors": ("tab.sectors", lambda: SnapshotTab(SectorsPanel)),
    "compare": ("tab.compare", ComparePanel),
    "lessons": ("tab.lessons", LessonsPanel),
    "theory": ("tab.theory", TheoryPanel),
    "about": ("tab.about", AboutPanel),
}


@solara.component
def Page():
    """One per browser session; the page's address sets it up and builds the session's model."""
    solara.Title(tr("page.title"))
    solara.Style(STYLE)
    use_page_address(list(TABS))
    ProjectorStyle()
    with solara.AppBar():
        ProjectorSwitch()
        LanguageSwitch()
    with solara.Sidebar():
        Controls()
    CloseSidebarOnNarrowScreen()
    Status()
    LessonBar()
    keys = list(TABS)
    # only the visible tab is drawn, so a snapshot redraws one tab
    with solara.lab.Tabs(value=keys.index(state.tab.value), on_value=lambda i: state.tab.set(keys[i]), lazy=True):
        for key, (title, content) in TABS.items():
            with solara.lab.Tab(tr(title)):
                content()
