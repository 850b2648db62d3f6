"""The levers beside the published estimates (``transfer_sim.literature``): the experiments run
and give finite numbers, each lever moves its measure the way the study found, and the
validation page shows the table."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from transfer_sim import literature, validation
from transfer_sim.literature import (EXPERIMENTS, PUBLISHED, TABLE_COLUMNS, Published, beside, estimates,
                                     literature_effects, literature_section, literature_table)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(3)


@pytest.fixture(scope="module")
def effects() -> pd.DataFrame:
    return literature_effects(seeds=SEEDS)


def test_every_measure_gives_a_finite_number_for_every_seed(effects):
    assert len(effects) == sum(len(e.measures) for e in EXPERIMENTS) * len(SEEDS)
    assert np.isfinite(effects["value"]).all()


@pytest.mark.parametrize(("measure", "claim"), [
    ("railway", "the express raises China's exports to Europe"),
    ("zone_gdp", "nest building raises the province's GDP"),
    ("ftz", "the free trade zone raises Shanghai's per-capita growth in its first year"),
    ("entry_over_relocation", "entry contributes more of the zone's job gain than relocation"),
])
def test_each_lever_moves_its_measure_the_way_the_study_found(effects, measure, claim):
    assert estimates(effects).loc[measure, "mean"] > 0, claim


def test_the_components_of_the_job_gain_add_up_to_it(effects):
    shares = effects[effects["measure"].str.endswith("_share")].groupby("seed")["value"].sum()
    np.testing.assert_allclose(shares, 100.0)


def test_the_interval_is_the_t_interval_over_seeds():
    frame = pd.DataFrame({"measure": "m", "value": [1.0, 2.0, 3.0]})
    found = estimates(frame).loc["m"]
    half = 4.302652729911275 * 1.0 / np.sqrt(3)  # t(0.975, 2) x sd / sqrt(n)
    np.testing.assert_allclose([found["low"], found["mean"], found["high"]], [2 - half, 2, 2 + half])


def test_the_table_has_a_row_for_every_published_estimate(effects):
    table = literature_table(effects)
    assert len(table) == len(PUBLISHED)
    for published in PUBLISHED.values():
        assert table["published"].str.startswith(published.size()).any(), published.source


@pytest.mark.parametrize(("low", "high", "where"), [(5, 7, "below"), (12, 14, "overlaps"), (14, 15, "above")])
def test_beside_places_the_interval_against_a_point(low, high, where):
    assert beside(low, high, Published("f", 13.1, 13.1, "%", "s", "d")) == where


def test_a_lower_bound_has_nothing_above_it():
    bound = Published("f", 0.0, None, "pp", "s", "d")
    assert beside(5, 50, bound) == "overlaps" and beside(-3, -1, bound) == "below"
    assert bound.size() == "> 0 pp"


def test_published_sizes_read_as_the_studies_state_them():
    assert PUBLISHED["railway"].size() == "+13.1 %"
    assert PUBLISHED["ftz"].size() == "+1.2 to +1.8 pp"
    assert PUBLISHED["zones_province"].low == pytest.approx(PUBLISHED["zones"].low / literature.ZONE_PROVINCE_CITIES)


def test_the_validation_page_writes_the_section(effects, monkeypatch, tmp_path):
    """write_page puts the literature section on the page (the other sections stubbed)."""
    stub = pd.DataFrame({"mean_difference": [1.0], "standard_error": [1.0]})
    for name in ("oracle_table", "check_table", "calibration_table", "productivity_table", "dynamics_table",
                 "magnitude_table"):
        monkeypatch.setattr(validation, name, lambda *args, **kwargs: stub)
    monkeypatch.setattr(literature, "literature_effects", lambda: effects)
    page = tmp_path / "validation.md"
    validation.write_page(page)
    assert literature_section(effects) in page.read_text()


def test_the_checked_in_page_shows_the_table():
    text = (ROOT / "docs" / "validation.md").read_text()
    assert "## 5. The levers beside published estimates" in text
    assert "| " + " | ".join(TABLE_COLUMNS) + " |" in text
    for published in PUBLISHED.values():
        assert published.source in text


def test_bad_input_fails_with_a_message():
    with pytest.raises(ValueError, match="at least one year"):
        literature.Experiment("x", literature.FTZ, literature.FTZ, 0, ())
    with pytest.raises(ValueError, match="at least one seed"):
        estimates(literature_effects(seeds=[]))
