"""The docs match the code: every Python example runs, every lever is documented."""

import re
from pathlib import Path

import pytest

import transfer_sim as ts
from transfer_sim.params import FiscalCosts

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


EXAMPLES = [(p.name, i, code) for p in DOCS for i, code in enumerate(python_blocks(p))]


@pytest.mark.parametrize(("doc", "index", "code"), EXAMPLES, ids=[f"{d}-{i}" for d, i, _ in EXAMPLES])
def test_code_example_runs(doc, index, code):
    exec(compile(code, f"{doc}[{index}]", "exec"), {})


def test_readme_examples_cover_china_mode_and_the_textbook_economy():
    """The README shows both economies in code that runs (test_code_example_runs runs it)."""
    code = "\n".join(python_blocks(ROOT / "README.md"))
    assert "TransferModel(" in code and 'economy="footloose_capital"' in code and ".run(" in code


def test_every_lever_is_documented_in_the_model_page():
    text = (ROOT / "docs" / "model.md").read_text()
    missing = [name for name in ts.Policy.model_fields if f"`{name}`" not in text]
    assert not missing, f"levers missing from docs/model.md: {missing}"


@pytest.mark.parametrize("page", ["levers.md", "ODD.md"])
def test_every_lever_and_parameter_is_documented(page):
    text = (ROOT / "docs" / page).read_text()
    names = list(ts.Policy.model_fields) if page == "levers.md" else [
        *ts.EconomyParams.__dataclass_fields__, *ts.TradeCostParams.__dataclass_fields__,
        *FiscalCosts.__dataclass_fields__, *ts.GovernmentParams.__dataclass_fields__]
    missing = [name for name in names if f"`{name}`" not in text and name != "trade_costs"]
    assert not missing, f"missing from docs/{page}: {missing}"


def test_every_preset_is_named_in_the_readme():
    text = (ROOT / "README.md").read_text()
    assert all(f"`{name}`" in text for name in ts.PRESETS)
