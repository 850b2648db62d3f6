"""The browser dashboard (Solara): run, watch and compare simulations.

Start it with ``solara run app.py`` (or ``make run``); ``page.Page`` is the whole page.
The package imports nothing itself, so ``python -m transfer_sim.dashboard.assets`` stays light.
"""
