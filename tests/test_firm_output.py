"""Firm-level output: every firm's state, one Parquet file per year, on request."""

import pandas as pd
import pytest

import transfer_sim as ts


def test_firm_level_output_is_streamed_per_year(tmp_path):
    model = ts.TransferModel(n_firms=400, seed=2, firm_output=tmp_path / "firms").run(3)
    files = sorted(p.name for p in (tmp_path / "firms").iterdir())
    assert files == [f"firms-{y}.parquet" for y in range(2025, 2029)]
    table = pd.read_parquet(tmp_path / "firms")
    counts = table.groupby("year").size()
    assert counts.tolist() == model.results.summary["firms"].tolist()
    last = table[table["year"] == 2028].set_index("firm_id").sort_index()
    assert last.index.tolist() == sorted(model.firms.id.tolist())
    per_region = last.groupby("region", observed=True)["employment"].sum()
    recorded = model.results.regions.query("year == 2028").set_index("region")["employment"]
    assert per_region.reindex(recorded.index, fill_value=0).to_numpy() == pytest.approx(recorded.to_numpy())


def test_firm_output_to_an_unwritable_place_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="firm_output: cannot write"):
        ts.TransferModel(n_firms=300, seed=1, firm_output=blocker / "firms")
