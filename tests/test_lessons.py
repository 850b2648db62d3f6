"""The lessons: one source for the Lessons tab and docs/teaching.md, every set-up one the page can make."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import transfer_sim as ts
from transfer_sim import province_map as pm
from transfer_sim.dashboard import lessons as lessons_module
from transfer_sim.dashboard.compare_panel import METRICS as COMPARE_METRICS
from transfer_sim.dashboard.findings import RUN, about, findings_text, signed
from transfer_sim.dashboard.lessons import doc_block, findings_block, lessons, setup_words, with_lessons
from transfer_sim.dashboard.page import TABS
from transfer_sim.dashboard.settings import Settings
from transfer_sim.dashboard.theory_panel import KNOBS

TEACHING = Path(__file__).resolve().parents[1] / "docs" / "teaching.md"
STEPS = [(entry, i, step) for entry in lessons() for i, step in enumerate(entry.step)]
IDS = [f"{entry.id}-{i + 1}" for entry, i, _ in STEPS]


def test_the_teaching_notes_show_the_lessons_steps_and_findings_as_the_runs_give_them():
    """The steps as the page sets them up, and what students should find with the numbers of
    today's runs (the same few runs of 20,000 firms the notes quote)."""
    doc = TEACHING.read_text(encoding="utf-8")
    assert with_lessons(doc) == doc, "run: make teaching"
    assert len(lessons()) == len(re.findall(r"^## \d\. ", doc, flags=re.M))  # one lesson per exercise
    for entry in lessons():
        assert doc_block(entry) in doc and findings_block(entry) in doc
    assert f"({RUN.n_firms:,} firms, {RUN.years} years, seed {RUN.seed})" in doc  # the runs the notes say they quote


def test_the_doc_check_fails_when_the_doc_differs(tmp_path):
    doc = TEACHING.read_text(encoding="utf-8")
    number = re.search(r"What students should find\.\*\* About (\d+) cross-province", doc).group(1)
    for old, new in (("φ = 0.1, β = 200.", "φ = 0.2, β = 200."),
                     (f"About {number} cross-province", f"About {int(number) + 1} cross-province")):
        changed = tmp_path / "teaching.md"
        changed.write_text(doc.replace(old, new), encoding="utf-8")
        assert lessons_module.main([str(changed), "--check"]) == 1
        assert lessons_module.main([str(changed)]) == 0 and lessons_module.main([str(changed), "--check"]) == 0
    missing = tmp_path / "missing.md"
    missing.write_text("# nothing here\n", encoding="utf-8")
    assert lessons_module.main([str(missing), "--check"]) == 1


def test_findings_quote_no_number_the_runs_do_not_give():
    """Every number of a findings text is a blank filled from the runs, or a value its steps set."""
    for entry in lessons():
        allowed = {"1", "2"}  # the home-market formula's 1/2 and s_n = 1
        for step in entry.step:
            values = [*(step.theory.model_dump().values() if step.theory else []), *entry.scenario(step)[1].values()]
            allowed |= {f"{v:g}" for v in values if isinstance(v, float)}
        numbers = set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"\{\w+\}", "", entry.findings)))
        assert numbers <= allowed, (entry.id, numbers - allowed)


def test_a_findings_blank_no_run_fills_is_named():
    entry = lessons()[-1].model_copy(update={"findings": "About {no_such_number} firms."})
    with pytest.raises(ValueError, match="'red_lines' use 'no_such_number'"):
        findings_text(entry)


def test_numbers_are_rounded_as_quoted():
    assert about(9_447.3, 50) == "9,450" and about(0.06291, 0.001) == "0.063" and about(-0.04, 0.1) == "0.0"
    assert signed(-131, 10) == "−130" and signed(1.63, 0.1) == "+1.6" and signed(0.01, 0.1) == "0.0"


@pytest.mark.parametrize(("entry", "index", "step"), STEPS, ids=IDS)
def test_every_step_sets_up_what_the_page_has(entry, index, step):
    assert step.tab in TABS
    preset, levers = entry.scenario(step)
    Settings().with_preset(preset).with_lever_changes(levers)  # raises if the policy refuses them
    assert step.metric is None or step.metric in (COMPARE_METRICS if step.tab == "compare" else pm.MAP_METRICS)
    assert step.metric is None or step.tab in ("map", "compare")
    assert step.reference is None or step.reference in ts.PRESETS
    if step.theory:
        for name, (low, high, _) in KNOBS.items():
            assert low <= getattr(step.theory, name) <= high, name
    for lang in ("en", "zh"):
        assert setup_words(entry, step, lang)


@pytest.mark.parametrize(("entry", "index", "step"), STEPS, ids=IDS)
def test_step_texts_quote_no_model_numbers(entry, index, step):
    """What to look at, never what the model shows: the only numbers are years and set-up values."""
    allowed = {f"{v:g}" for v in (step.theory.model_dump().values() if step.theory else [])}
    allowed |= {f"{v:g}" for v in entry.scenario(step)[1].values() if isinstance(v, float)}
    for text in (step.look.en, step.look.zh, entry.idea.en, entry.idea.zh):
        numbers = set(re.findall(r"\d+(?:\.\d+)?(?![a-z])", text.replace("summary.csv", "")))  # not "15th"
        assert {n for n in numbers if not re.fullmatch(r"20\d\d", n) and n != "1"} <= allowed, text
