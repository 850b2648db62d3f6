"""Results frames of pinned configurations equal the stored ones (tests/golden_runs.py).

A change that alters results on purpose regenerates them (``python tests/golden_runs.py``)
in the same commit and says why; any other difference is a regression.
"""

import pandas as pd
import pytest

from golden_runs import CONFIGURATIONS, frames, path


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_results_equal_the_stored_frames(name):
    for table, frame in frames(CONFIGURATIONS[name]()).items():
        stored = pd.read_parquet(path(name, table))
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), stored, check_exact=False, rtol=1e-10,
                                      atol=1e-12, obj=f"{name}: results.{table}")
