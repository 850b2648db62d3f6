"""The Trends tab: macro-regional shares, inequality, firm dynamics, fiscal cost, real income, the
sources of industrial jobs and the provinces' competition for firms over the years."""

from __future__ import annotations

import solara

from .. import viz
from .figure_card import FigureCard, use_plot
from .manifest import manifest
from .language import lang
from .session import Snapshot


@solara.component
def TrendsPanel(snap: Snapshot):
    """Shares full width; inequality, firm dynamics and fiscal cost below, three side by side only
    on the widest screens, so no chart is too narrow for its title."""
    language = lang()
    shares = use_plot(lambda: viz.macro_share_figure(snap.regions, lang=language), [snap, language])
    inequality = use_plot(lambda: viz.inequality_figure(snap.summary, lang=language), [snap, language])
    activity = use_plot(lambda: viz.activity_figure(snap.summary, lang=language), [snap, language])
    fiscal = use_plot(lambda: viz.fiscal_figure(snap.fiscal, lang=language), [snap, language])
    income = use_plot(lambda: viz.real_income_figure(snap.regions, lang=language), [snap, language])
    sources = use_plot(lambda: viz.jobs_sources_figure(snap.decomposition, snap.regions, lang=language),
                       [snap, language])
    competition = use_plot(lambda: viz.local_competition_figure(snap.local_policy, snap.regions, lang=language),
                           [snap, language])
    facts = manifest(snap.settings)
    FigureCard(shares, "macro-shares", facts)
    with solara.ColumnsResponsive(12, large=6, xlarge=4):
        FigureCard(inequality, "inequality", facts)
        FigureCard(activity, "relocations-entries-exits", facts)
        FigureCard(fiscal, "fiscal-cost", facts)
        FigureCard(income, "real-income", facts)
        FigureCard(sources, "jobs-by-source", facts)
        FigureCard(competition, "local-competition", facts)
