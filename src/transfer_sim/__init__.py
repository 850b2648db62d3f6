"""transfer-sim: agent-based simulation of interregional industrial transfer in China.

    import transfer_sim as ts
    model = ts.TransferModel(policy=ts.Policy.preset("cage_and_nest"), n_firms=20_000, seed=1)
    model.run(15)
    model.results.regions
"""

from importlib.metadata import PackageNotFoundError, version

from .agents import Firm, Region
from .economics import home_market_share
from .geography import Geography
from .levers import PolicyError
from .model import TransferModel, fewest_firms
from .params import EconomyParams, GovernmentParams, TradeCostParams
from .policy import PRESETS, Policy, Shock, lever_table
from .results import Results
from .run_settings import RunSettings
from .sectors import SECTORS

try:
    __version__ = version("transfer-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = [
    "PRESETS", "SECTORS", "EconomyParams", "Firm", "Geography", "GovernmentParams", "Policy", "PolicyError",
    "Region", "Results", "RunSettings", "Shock", "TradeCostParams", "TransferModel", "fewest_firms",
    "home_market_share", "lever_table",
]
