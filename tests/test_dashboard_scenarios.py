"""Scenarios you can share and keep: the page's address and the scenario file, without a browser."""

from __future__ import annotations

from dataclasses import replace

import pytest

import transfer_sim as ts
from transfer_sim.batch import spec
from transfer_sim.batch.design import build_policy
from transfer_sim.dashboard.page import TABS
from transfer_sim.dashboard.page_address import address, read_address
from transfer_sim.dashboard.scenario_file import read_scenario, scenario_toml
from transfer_sim.dashboard.settings import Settings, SettingsError
from transfer_sim.dashboard.state import View

TAB_KEYS = list(TABS)
CHANGED = (Settings(years=10, n_firms=5_000, seed=7).with_preset("corridors")
           .with_lever("cage_fee", 0.03).with_lever("china_europe_express", False)
           .with_lever("ecological_zones", ["Tibet", "Inner Mongolia"])
           .with_lever("profit_subsidy", {"Gansu": 0.2, "Inner Mongolia": 0.1})
           .with_lever("nest_build_lag", 4)
           .with_lever("shocks", [{"kind": "regional_disaster", "year": 2031, "regions": ["Henan"]}]))


def test_an_address_holds_only_what_differs_from_the_defaults():
    assert address(Settings(), View(), TAB_KEYS) == address(Settings(), View(tab="map"), TAB_KEYS) == ""
    short = Settings(years=10).with_preset("corridors").with_lever("cage_fee", 0.03) \
        .with_lever("china_europe_express", False)
    assert address(short, View("zh", "compare", projector=True), TAB_KEYS) == \
        "preset=corridors&cage_fee=0.03&china_europe_express=false&years=10&lang=zh&tab=compare&projector=true"


@pytest.mark.parametrize("settings", [Settings(), CHANGED, Settings().with_preset("fifteenth_plan"),
                                      Settings().with_preset("hinterland_shock").with_lever("shocks", [])])
def test_an_address_reproduces_the_page_state(settings):
    view = View("zh", "trends", projector=True)
    assert read_address(address(settings, view, TAB_KEYS), TAB_KEYS) == (settings, view, [])


def test_the_example_address_of_the_issue_reads_as_written():
    settings, view, problems = read_address(
        "preset=corridors&years=10&cage_fee=0.03&china_europe_express=false&lang=zh", TAB_KEYS)
    assert problems == [] and view == View("zh", "map")
    assert settings.years == 10 and settings.policy == ts.Policy.preset("corridors").with_changes(
        cage_fee=0.03, china_europe_express=False)


def test_an_address_the_page_cannot_use_is_explained_and_the_rest_kept():
    settings, view, problems = read_address(
        "preset=corridors&cage_fee=abc&cage_feee=0.1&nest_subsidy=0.2&years=0&lang=fr&tab=nope&projector=1",
        TAB_KEYS)
    words = [p.words("en") for p in problems]
    assert words == [
        "The page address: cage_fee: 'abc' is not a value (a number, true or false, or a list like [\"Tibet\"])",
        "The page address: unknown lever 'cage_feee' (did you mean 'cage_fee'?); allowed levers: "
        + ", ".join(ts.Policy.model_fields),
        "The page address: Years: 0 is out of range; allowed 1 to 50",
        "The page address: unknown language 'fr'; allowed: en, zh",
        "The page address: unknown tab 'nope'; allowed: " + ", ".join(TAB_KEYS),
        "The page address: projector is true or false, not '1'",
    ]
    assert settings.preset == "corridors" and settings.policy.nest_subsidy == 0.2 and view == View("en", "map")
    assert "页面地址" in problems[0].words("zh")


def test_a_scenario_file_reads_back_as_the_same_scenario_and_the_command_line_reads_it(tmp_path):
    text = scenario_toml(CHANGED, CHANGED.title("en"))
    assert text.startswith(f"# transfer-sim {ts.__version__} · preset corridors · levers: cage_fee = 0.03, ")
    assert "#   transfer-sim run --scenario corridors-changed.toml --years 10 --firms 5000 --seed 7\n" in text
    opened = read_scenario("corridors-changed.toml", text.encode(), Settings(years=3, seed=2))
    assert opened == replace(CHANGED, years=3, n_firms=Settings().n_firms, seed=2)  # the run size stays
    path = tmp_path / "corridors-changed.toml"
    path.write_text(text, encoding="utf-8")
    loaded = spec.load(path, expected="scenario").scenario  # what `transfer-sim run --scenario` does
    assert build_policy(loaded.preset, dict(loaded.levers), "x") == CHANGED.policy
    assert loaded.name == "Freight corridors with 6 lever changes"
    chinese = scenario_toml(CHANGED, CHANGED.title("zh"), "zh")
    assert read_scenario("场景.toml", chinese.encode(), CHANGED) == CHANGED


@pytest.mark.parametrize(("content", "says"), [
    (b"[scenario\nname = 1", "The scenario file cannot be used: bad.toml: malformed TOML"),
    (b'[sweep]\nname = "s"\n[[scenarios]]\nname = "a"\n', "bad.toml: is a sweep file, not a scenario file; run it "
                                                         "with 'transfer-sim sweep'"),
    (b'[scenario]\nname = "x"\npreset = "corridors"\n[scenario.levers]\ncage_fee = 0.5\n',
     "bad.toml: levers.cage_fee: Input should be less than or equal to 0.1 (got 0.5)"),
    (b'[scenario]\nname = "x"\npreset = "nowhere"\n', "bad.toml: unknown preset 'nowhere'"),
    (b"\xff\xfe", "bad.toml: malformed TOML"),
])
def test_a_scenario_file_the_command_line_would_refuse_is_refused_in_words(content, says):
    with pytest.raises(SettingsError) as refused:
        read_scenario("bad.toml", content, Settings())
    assert says in str(refused.value) and "/tmp" not in str(refused.value)
