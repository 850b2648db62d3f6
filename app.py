"""`solara run app.py`: the transfer-sim dashboard."""

from transfer_sim.dashboard.page import Page  # noqa: F401
