"""`solara run app.py`: the transfer-sim dashboard at ``/`` and the classroom game at ``/classroom``."""

import solara

from transfer_sim.dashboard.classroom_page import ClassroomPage
from transfer_sim.dashboard.page import Page


def layout(children=[]):  # noqa: B006 - Solara calls a layout with its children
    """Solara's own layout without tabs for the two pages (each is reached by its address); a plain
    function, so that the layout element is Solara's own and the pages keep their elements when
    the address changes."""
    return solara.AppLayout(children=children, navigation=False)


routes = [
    solara.Route(path="/", component=Page, layout=layout),
    solara.Route(path="classroom", component=ClassroomPage),
]
