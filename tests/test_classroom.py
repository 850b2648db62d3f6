"""The classroom game without a browser: rooms, players, rounds, the store and what is shown."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

import transfer_sim as ts
from transfer_sim.classroom import store as store_module
from transfer_sim.classroom.export import game_zip
from transfer_sim.classroom.game import Classroom
from transfer_sim.classroom.outcomes import OUTCOME_ROWS, SCORE_COLUMNS
from transfer_sim.classroom.scenario import Scenario
from transfer_sim.classroom.store import Store
from transfer_sim.dashboard.settings import SettingsError
from transfer_sim.i18n import catalogue

FIRMS = 1_000
GENEROUS = {"tax_rebate": 0.6, "land_discount": 1.0, "park_investment": 20.0}
STINGY = {"tax_rebate": 0.0, "land_discount": 0.0, "park_investment": 0.0}


@pytest.fixture
def classroom(tmp_path) -> Classroom:
    return Classroom(Store(tmp_path / "game.sqlite3"))


def room_with(classroom: Classroom, provinces: list[str], **scenario) -> tuple[str, str, list[str]]:
    """A started room with one player per province: (code, teacher key, player tokens)."""
    code, key = classroom.open_room(Scenario.checked(**{"n_firms": FIRMS, "rounds": 3, **scenario}))
    tokens = []
    for i, region in enumerate(provinces):
        token = classroom.join(code, f"Student {i}")
        assert classroom.claim(code, token, region) == region
        tokens.append(token)
    classroom.start(code, key)
    return code, key, tokens


def refusal(action) -> str:
    with pytest.raises(SettingsError) as caught:
        action()
    assert caught.value.problem.key in catalogue()  # worded in both languages
    return caught.value.problem.key


def test_a_round_applies_each_students_choice_to_their_province_only(classroom):
    code, key, (henan, sichuan) = room_with(classroom, ["Henan", "Sichuan"])
    classroom.submit(code, henan, GENEROUS)
    classroom.submit(code, sichuan, STINGY)
    assert classroom.state(code).all_submitted
    classroom.advance(code, key)
    state = classroom.state(code)
    assert state.rounds_done == 1 and state.year == 2026 and not state.all_submitted
    assert classroom.position(code, henan).policy == GENEROUS
    assert classroom.position(code, sichuan).policy == STINGY
    board = classroom.scoreboard(code).set_index("region")
    assert list(board.columns) == ["player", *SCORE_COLUMNS] and len(board) == 31
    assert board.loc["Henan", "player"] == "Student 0" and board.loc["Beijing", "player"] == ""
    assert board["output_growth"].is_monotonic_decreasing


def test_a_choice_changes_the_provinces_results(tmp_path):
    """The same seed, one province generous in one game and stingy in the other."""
    results = {}
    for name, choice in (("generous", GENEROUS), ("stingy", STINGY)):
        game = Classroom(Store(tmp_path / f"{name}.sqlite3"))
        code, key, (token,) = room_with(game, ["Henan"])
        game.submit(code, token, choice)
        game.advance(code, key)
        results[name] = game.position(code, token)
    assert results["generous"].budget["spending"] > results["stingy"].budget["spending"]
    assert results["generous"].output != results["stingy"].output


def test_choices_persist_until_changed_and_unclaimed_provinces_keep_the_models_governments(classroom):
    code, key, (token,) = room_with(classroom, ["Henan"])
    own = ts.TransferModel(n_firms=FIRMS, seed=1).run(2)
    classroom.submit(code, token, GENEROUS)
    classroom.advance(code, key)
    classroom.advance(code, key)  # no new choice: the last one stays
    assert classroom.position(code, token).policy == GENEROUS
    terms = classroom.snapshot(code).local_policy.query("year == 2027 and instrument == 'tax_rebate'")
    rebate = terms.set_index("region")["value"]
    assert rebate["Henan"] == GENEROUS["tax_rebate"]
    assert (rebate.drop("Henan") <= ts.GovernmentParams().max_rebate).all()  # the model's governments' own
    start = own.results.local_policy.query("year == 2025").reset_index(drop=True)
    assert classroom.snapshot(code).local_policy.query("year == 2025").reset_index(drop=True).equals(start)


def test_only_the_player_changes_their_province_and_only_the_teacher_runs_the_game(classroom):
    code, key, (henan, sichuan) = room_with(classroom, ["Henan", "Sichuan"])
    assert refusal(lambda: classroom.advance(code, henan)) == "classroom.error.not_teacher"
    assert refusal(lambda: classroom.advance(code, "guess")) == "classroom.error.not_teacher"
    assert refusal(lambda: classroom.submit(code, "guess", GENEROUS)) == "classroom.error.not_player"
    assert refusal(lambda: classroom.claim(code, sichuan, "Henan")) == "classroom.error.keep_province"
    classroom.submit(code, sichuan, STINGY)  # only ever for the player's own province
    assert classroom.pending(code, henan) is None and classroom.pending(code, sichuan) == STINGY


def test_a_student_who_moves_before_the_start_leaves_no_choice_behind(classroom):
    code, key = classroom.open_room(Scenario.checked(n_firms=FIRMS))
    token = classroom.join(code, "Ann")
    classroom.claim(code, token, "Henan")
    classroom.submit(code, token, GENEROUS)
    classroom.claim(code, token, "Hubei")  # before the start a student may move
    assert classroom.pending(code, token) is None and classroom.export(code, key)["choices"].empty
    classroom.start(code, key)
    classroom.advance(code, key)
    henan = classroom.snapshot(code).local_policy.query("year == 2026 and region == 'Henan'")
    assert henan.set_index("instrument").loc["tax_rebate", "value"] <= ts.GovernmentParams().max_rebate


def test_inputs_are_checked_with_readable_messages(classroom):
    code, key = classroom.open_room(Scenario.checked(n_firms=FIRMS, preferential_policy_cap=0.2,
                                                     locked=("park_investment",)))
    assert refusal(lambda: classroom.join(code, "   ")) == "classroom.error.name"
    assert refusal(lambda: classroom.join("NOPE", "Ann")) == "classroom.error.no_room"
    token = classroom.join(code, "Ann")
    assert refusal(lambda: classroom.submit(code, token, STINGY)) == "classroom.error.no_province"
    assert refusal(lambda: classroom.claim(code, token, "Atlantis")) == "classroom.error.unknown_province"
    other = classroom.join(code, "Bo")
    classroom.claim(code, other, "Henan")
    assert refusal(lambda: classroom.claim(code, token, "Henan")) == "classroom.error.taken"
    classroom.claim(code, token, "Hubei")
    assert set(classroom.limits(code, token)) == {"tax_rebate", "land_discount"}
    assert classroom.limits(code, token)["tax_rebate"] == (0.0, 0.2)  # the cap on preferential policies
    assert refusal(lambda: classroom.submit(code, token, {"tax_rebate": 0.5, "land_discount": 0.1})) \
        == "classroom.error.instrument_range"
    assert refusal(lambda: classroom.submit(code, token, {"tax_rebate": "lots", "land_discount": 0.1})) \
        == "classroom.error.not_a_number"
    assert refusal(lambda: classroom.submit(code, token, STINGY)) == "classroom.error.locked"
    assert refusal(lambda: classroom.advance(code, key)) == "classroom.error.not_started"
    with pytest.raises(SettingsError, match="at most 40 characters"):
        classroom.join(code, "x" * 41)


def test_a_park_investment_must_fit_the_provinces_budget(classroom):
    code, key, (token,) = room_with(classroom, ["Ningxia"])
    low, high = classroom.limits(code, token)["park_investment"]
    assert low == 0 and 0 < high == pytest.approx(classroom.position(code, token).room)
    assert refusal(lambda: classroom.submit(code, token, {**STINGY, "park_investment": high + 1})) \
        == "classroom.error.instrument_range"


@pytest.mark.parametrize(("fields", "key"), [
    ({"years_per_round": 3}, "classroom.error.round_length"),
    ({"rounds": 0}, "classroom.error.rounds"),
    ({"years_per_round": 5, "rounds": 11}, "classroom.error.rounds"),
    ({"locked": ("tax_rebate", "land_discount", "park_investment")}, "classroom.error.all_locked"),
    ({"locked": ("subsidy",)}, "classroom.error.unknown_instrument"),
    ({"preset": "nope"}, "error.unknown_preset"),
    ({"n_firms": 10}, "error.out_of_range"),
    ({"preferential_policy_cap": 2.0}, "error.lever"),
    ({"colour": "red"}, "classroom.error.unknown_field"),
])
def test_a_scenario_the_game_cannot_play_is_refused(fields, key):
    assert refusal(lambda: Scenario.checked(**fields)) == key


def test_the_scenario_sets_the_central_levers(classroom):
    scenario = Scenario.checked(preset="corridors", national_coordination=True, preferential_policy_cap=0.1)
    policy = scenario.settings.policy
    assert policy.national_coordination and policy.preferential_policy_cap == 0.1
    assert policy.corridor_capacity == ts.Policy.preset("corridors").corridor_capacity
    assert Scenario.from_json(scenario.to_json()) == scenario


def test_a_restarted_server_resumes_the_room_from_the_store(tmp_path):
    path = tmp_path / "game.sqlite3"
    first = Classroom(Store(path))
    code, key, (henan, sichuan) = room_with(first, ["Henan", "Sichuan"])
    for choice in (GENEROUS, STINGY):
        first.submit(code, henan, choice)
        first.advance(code, key)
    first.submit(code, sichuan, GENEROUS)  # submitted, not yet played
    before = first.snapshot(code)

    again = Classroom(Store(path))  # a new process: nothing live, only the file
    after = again.snapshot(code)
    assert after.year == before.year == 2027
    pd.testing.assert_frame_equal(after.regions, before.regions)
    pd.testing.assert_frame_equal(after.budgets, before.budgets)
    assert again.pending(code, sichuan) == GENEROUS and again.state(code).rounds_done == 2
    again.advance(code, key)  # the first server's copy catches up from the store: the same year
    pd.testing.assert_frame_equal(again.snapshot(code).regions, first.snapshot(code).regions)


def test_two_rooms_do_not_share_anything(classroom):
    one, one_key, (a,) = room_with(classroom, ["Henan"])
    two, two_key, (b,) = room_with(classroom, ["Henan"])  # the same province, in another room
    classroom.submit(one, a, GENEROUS)
    classroom.advance(one, one_key)
    assert classroom.state(two).rounds_done == 0 and classroom.snapshot(two).year == 2025
    assert refusal(lambda: classroom.advance(two, one_key)) == "classroom.error.not_teacher"
    assert refusal(lambda: classroom.submit(two, a, STINGY)) == "classroom.error.not_player"
    classroom.advance(two, two_key)
    assert classroom.position(two, b).policy != GENEROUS


def test_the_game_ends_after_its_rounds(classroom):
    code, key, (token,) = room_with(classroom, ["Henan"], rounds=1, years_per_round=5)
    classroom.advance(code, key)
    assert classroom.state(code).finished and classroom.state(code).year == 2030
    assert refusal(lambda: classroom.advance(code, key)) == "classroom.error.finished"
    assert refusal(lambda: classroom.submit(code, token, GENEROUS)) == "classroom.error.finished"


def test_the_debrief_compares_the_class_with_the_models_governments(classroom):
    code, key, (token,) = room_with(classroom, ["Henan"])
    classroom.submit(code, token, GENEROUS)
    classroom.advance(code, key)
    debrief = classroom.debrief(code, key)
    assert list(debrief.national.index) == list(OUTCOME_ROWS)
    assert list(debrief.national.columns) == ["class", "own_governments", "national_coordination"]
    own = ts.TransferModel(n_firms=FIRMS, seed=1).run(1)
    assert debrief.national.loc["output", "own_governments"] == pytest.approx(own.results.summary["output"].iloc[-1])
    assert debrief.national.loc["output", "class"] != debrief.national.loc["output", "own_governments"]
    assert debrief.provinces["region"].tolist() == ["Henan"]
    assert refusal(lambda: classroom.debrief(code, token)) == "classroom.error.not_teacher"


def test_the_export_holds_choices_and_results_as_csv_and_parquet(classroom):
    code, key, (token,) = room_with(classroom, ["Henan"])
    classroom.submit(code, token, GENEROUS)
    classroom.advance(code, key)
    tables = classroom.export(code, key)
    assert tables["choices"].to_dict("records") == [{"round": 1, "region": "Henan", **GENEROUS}]
    assert tables["players"].to_dict("records") == [{"name": "Student 0", "region": "Henan"}]
    for kind, read in (("csv", pd.read_csv), ("parquet", pd.read_parquet)):
        with zipfile.ZipFile(io.BytesIO(game_zip(tables, kind))) as archive:
            regions = read(io.BytesIO(archive.read(f"regions.{kind}")))
            assert {f"{name}.{kind}" for name in tables} == set(archive.namelist())
        assert regions["year"].max() == 2026 and len(regions) == 62
    assert refusal(lambda: classroom.export(code, token)) == "classroom.error.not_teacher"


def test_the_store_lives_where_the_environment_says(tmp_path, monkeypatch):
    monkeypatch.setenv(store_module.DIRECTORY_VARIABLE, str(tmp_path / "lessons"))
    assert Store().path == tmp_path / "lessons" / store_module.FILE_NAME
    monkeypatch.delenv(store_module.DIRECTORY_VARIABLE)
    assert store_module.default_path() == store_module.DEFAULT_DIRECTORY / store_module.FILE_NAME
