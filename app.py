"""`solara run app.py`: the transfer-sim dashboard at ``/`` and the classroom game at ``/classroom``."""

import solara

from transfer_sim.dashboard.classroom_page import ClassroomPage
from transfer_sim.dashboard.page import Page


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature for a layout
    """Solara's own layout without tabs for the two pages: each page is reached by its address."""
    solara.AppLayout(children=children, navigation=False)


routes = [
    solara.Route(path="/", component=Page, layout=Layout),
    solara.Route(path="classroom", component=ClassroomPage),
]
