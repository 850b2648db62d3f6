"""The yearly processes, one module each, in the order :class:`~transfer_sim.TransferModel` runs them.

environment (regions update) -> production (firms earn) -> relocation (who moves, where to)
-> demography (exit, entry, upgrading) -> labour_market (migration, wages, rents, demand).
Every process is a plain function of the values it reads; none keeps state of its own.
"""
