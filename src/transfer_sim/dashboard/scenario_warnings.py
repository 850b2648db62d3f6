"""Settings the model accepts but that cannot do what they say, in words for the person who set them."""

from __future__ import annotations

from .settings import Settings


def scenario_warnings(settings: Settings, start_year: int) -> list[str]:
    """One sentence per shock that falls outside the simulated years and so never happens."""
    last_year = start_year + settings.years
    warnings = []
    for shock in settings.policy.shocks:
        kind = shock.kind.replace("_", " ")
        if shock.year > last_year:
            warnings.append(f"The {kind} shock starts in {shock.year}, after the run's last year ({last_year}), "
                            f"so it never happens: move it, or make the run longer.")
        elif shock.year + shock.duration <= start_year:
            warnings.append(f"The {kind} shock ends before the run starts in {start_year}, so it never happens.")
    return warnings
