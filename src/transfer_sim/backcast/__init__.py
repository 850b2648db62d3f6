"""Back-cast: the 2005-2019 history played onto a model started in 2005, calibrated by
simulated method of moments on 2005-2013 and checked on 2014-2019 (docs/backcast.md)."""

from .pipeline import DEFAULT_PARAMS, DEFAULT_TIMELINE, Outcome, Request, run, shipped_parameters
from .timeline import Timeline, load, play

__all__ = ["DEFAULT_PARAMS", "DEFAULT_TIMELINE", "Outcome", "Request", "Timeline", "load", "play", "run",
           "shipped_parameters"]
