"""The classroom game in real browsers: a teacher and students, each in their own browser
context, against the real Solara server (the fixtures and helpers of ``dashboard_browser.py``)."""

from __future__ import annotations

import contextlib
import os
import re

import pytest
from dashboard_browser import (ARTIFACTS, RUN_TIMEOUT_MS, Watch, _unavailable,  # noqa: F401 - fixtures
                               browser_context_args, browser_type_launch_args)
from playwright.sync_api import expect

import transfer_sim as ts
from transfer_sim.classroom.store import DIRECTORY_VARIABLE, FILE_NAME, Store
from transfer_sim.dashboard import assets, local_server

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")

FIRMS = 2_000
CHOICES = {  # each student's province and their instruments in rounds 1 and 2
    "Henan": ({"tax_rebate": 0.6, "land_discount": 1.0, "park_investment": 30.0},
              {"tax_rebate": 0.1, "land_discount": 0.2, "park_investment": 0.0}),
    "Hebei": ({"tax_rebate": 0.0, "land_discount": 0.0, "park_investment": 0.0},
              {"tax_rebate": 0.5, "land_discount": 0.5, "park_investment": 5.0}),
    "Jiangsu": ({"tax_rebate": 0.3, "land_discount": 0.3, "park_investment": 10.0},
                  {"tax_rebate": 0.3, "land_discount": 0.3, "park_investment": 10.0}),
}


@contextlib.contextmanager
def classroom_server(directory, log_name: str):
    """The dashboard's server with its classroom store in ``directory``."""
    absent = assets.missing(assets.cache_dir())
    if absent:
        _unavailable(f"the offline asset cache lacks {', '.join(absent)} (run: make assets)")
    before = os.environ.get(DIRECTORY_VARIABLE)
    os.environ[DIRECTORY_VARIABLE] = str(directory)
    try:
        with local_server.serve(ARTIFACTS / log_name) as url:
            yield url
    finally:
        os.environ.pop(DIRECTORY_VARIABLE)
        if before is not None:
            os.environ[DIRECTORY_VARIABLE] = before


@pytest.fixture
def new_page(browser):
    """A page in a browser context of its own (one person), every context closed after the test,
    so that no page of a stopped server keeps the browser busy for the tests that follow."""
    contexts = []

    def open_page():
        contexts.append(browser.new_context())
        return contexts[-1].new_page()
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def store_directory(tmp_path_factory):
    return tmp_path_factory.mktemp("classroom")


@pytest.fixture(scope="module")
def server(store_directory):
    with classroom_server(store_directory, "classroom-server.log") as url:
        yield url


def open_room(page, url: str) -> str:
    """Open a room with a small run; the room's code."""
    page.goto(f"{url}classroom")
    page.locator(".tsim-firms input").fill(str(FIRMS))
    page.get_by_role("button", name="Open room").click()
    page.locator(".tsim-start").wait_for(timeout=RUN_TIMEOUT_MS)
    return re.search(r"room=(\w+)", page.url).group(1)


def join(page, url: str, code: str, name: str, province: str) -> None:
    page.goto(f"{url}classroom")
    page.get_by_label("Room code").fill(code.lower())  # typed as a student might
    page.get_by_role("button", name="Enter").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.locator(".v-select", has_text="Free provinces").click()
    page.get_by_role("option", name=province, exact=True).click()
    page.get_by_role("button", name="Take it").click()
    page.get_by_text(f"You govern {province}").wait_for(timeout=RUN_TIMEOUT_MS)


def submit(page, instruments: dict[str, float], round_: int = 1) -> None:
    """Choose for ``round_``, once that round's form is drawn (the last round's goes with its year)."""
    page.get_by_text(f"Your choice for round {round_} of").wait_for(timeout=RUN_TIMEOUT_MS)
    for name, value in instruments.items():
        page.locator(f".tsim-input-{name} input").fill(str(value))
    page.get_by_role("button", name="Submit").click()
    page.locator(".tsim-submitted").wait_for()
    for name, value in instruments.items():
        expect(page.locator(f".tsim-input-{name} input")).to_have_value(str(value))


def advance(teacher, rounds_done: int) -> None:
    teacher.locator(".tsim-advance").click()
    teacher.get_by_text(re.compile(f"Rounds played: {rounds_done} of")).wait_for(timeout=RUN_TIMEOUT_MS)


def spending(page) -> str:
    return page.locator(".tsim-spending").inner_text()


def expected_spending(rounds: int) -> dict[str, str]:
    """Each province's spending as the page writes it, from the model with the students' choices."""
    model = ts.TransferModel(n_firms=FIRMS, seed=1)
    for round_ in range(rounds):
        for province, choices in CHOICES.items():
            model.set_local_policy(province, **choices[round_])
        model.step()
    return {province: f"{model.region_agents[model.geography.index(province)].budget['spending']:,.1f}"
            for province in CHOICES}


def test_a_teacher_and_three_students_play_two_rounds(server, store_directory, new_page):
    teacher = new_page()
    watch = Watch(teacher)
    code = open_room(teacher, server)
    students = {}
    for i, province in enumerate(CHOICES):
        students[province] = new_page()
        join(students[province], server, code, f"Student {i + 1}", province)
    teacher.get_by_text("0 of 3 provinces' players have chosen").wait_for()
    own = ts.TransferModel(n_firms=FIRMS, seed=1).run(1)
    teacher.locator(".tsim-start").click()
    for round_ in range(2):
        for province, page in students.items():
            submit(page, CHOICES[province][round_], round_ + 1)
        teacher.locator(".tsim-all-submitted").wait_for()
        advance(teacher, round_ + 1)
        expected = expected_spending(round_ + 1)
        for province, page in students.items():
            page.get_by_text(f"Year: {2026 + round_}").wait_for(timeout=RUN_TIMEOUT_MS)
            stored = Store(store_directory / FILE_NAME).choices(code)
            assert spending(page) == expected[province], (province, stored)  # the student's choice, and only theirs
            if round_ == 0:
                mine = own.region_agents[own.geography.index(province)].budget["spending"]
                assert spending(page) != f"{mine:,.1f}", province  # not what the province's government did
            page.get_by_text(f"Your choice for round {round_ + 2} of 5").wait_for()
    board = teacher.locator(".tsim-scoreboard")
    for i, province in enumerate(CHOICES):
        expect(board.locator("tr", has_text=province)).to_contain_text(f"Student {i + 1}")
    teacher.locator(".js-plotly-plot").first.wait_for(timeout=RUN_TIMEOUT_MS)  # the map of the choices
    teacher.screenshot(path=str(ARTIFACTS / "classroom-teacher.png"), full_page=True)
    students["Henan"].screenshot(path=str(ARTIFACTS / "classroom-student.png"), full_page=True)
    teacher.locator(".tsim-debrief-button").click()
    debrief = teacher.locator(".tsim-debrief")
    debrief.wait_for(timeout=RUN_TIMEOUT_MS)
    expect(debrief).to_contain_text("Under national coordination")
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Export the game (Parquet)").click()
    assert download.value.suggested_filename == f"classroom-{code}-parquet.zip"
    assert watch.problems == []


def test_a_student_can_change_neither_another_province_nor_the_round(server, new_page):
    teacher = new_page()
    teacher.goto(f"{server}classroom?lang=zh")
    teacher.get_by_text("教师：开设房间").wait_for(timeout=RUN_TIMEOUT_MS)  # both languages, as the dashboard
    code = open_room(teacher, server)
    first, second = (new_page() for _ in range(2))
    join(first, server, code, "Ann", "Henan")
    second.goto(f"{server}classroom?room={code}")
    second.get_by_label("Your name").fill("Bo")
    second.get_by_role("button", name="Join").click()
    second.locator(".v-select", has_text="Free provinces").click()
    expect(second.get_by_role("option", name="Hubei", exact=True)).to_be_visible()
    expect(second.get_by_role("option", name="Henan", exact=True)).to_have_count(0)  # Ann's
    second.keyboard.press("Escape")
    assert first.locator(".tsim-advance, .tsim-start").count() == 0
    student_address = first.url
    token = re.search(r"player=([\w-]+)", student_address).group(1)
    first.goto(f"{server}classroom?room={code}&teacher={token}")  # a player's token is no teacher key
    first.get_by_text("does not carry the room's teacher key").wait_for()
    assert first.locator(".tsim-advance, .tsim-start").count() == 0
    first.goto(student_address)
    first.get_by_text("You govern Henan").wait_for(timeout=RUN_TIMEOUT_MS)
    first.locator(".tsim-input-tax_rebate input").fill("7")
    first.get_by_role("button", name="Submit").click()
    first.get_by_text("must be from 0.00 to 1.00").wait_for()  # a readable refusal, no traceback
    teacher.get_by_text("0 of 1 provinces' players have chosen").wait_for()


def test_two_rooms_at_once_do_not_interfere(server, new_page):
    teachers = [new_page() for _ in range(2)]
    codes = [open_room(page, server) for page in teachers]
    students = [new_page() for _ in range(2)]
    for code, page, name in zip(codes, students, ("Ann", "Bo")):
        join(page, server, code, name, "Henan")  # the same province in each room
        page.locator(".tsim-input-tax_rebate input").wait_for()
    submit(students[0], CHOICES["Henan"][0])
    for page in teachers:
        page.locator(".tsim-start").click()
    advance(teachers[0], 1)
    students[0].get_by_text("Year: 2026").wait_for(timeout=RUN_TIMEOUT_MS)
    teachers[1].get_by_text("Rounds played: 0 of 5 · year 2025").wait_for()
    expect(students[1].get_by_text("Year: 2025")).to_be_visible()
    expect(students[1].locator(".tsim-submitted")).to_have_count(0)
    expect(teachers[1].get_by_text("Ann")).to_have_count(0)


def test_a_restarted_server_resumes_the_room(tmp_path, new_page):
    with classroom_server(tmp_path, "classroom-restart-1.log") as url:
        teacher = new_page()
        code = open_room(teacher, url)
        teacher_address = teacher.url.removeprefix(url)
        student = new_page()
        join(student, url, code, "Ann", "Henan")
        student_address = student.url.removeprefix(url)
        teacher.locator(".tsim-start").click()
        submit(student, CHOICES["Henan"][0])
        advance(teacher, 1)
        student.get_by_text("Year: 2026").wait_for(timeout=RUN_TIMEOUT_MS)
        before = spending(student)
        submit(student, CHOICES["Henan"][1], 2)  # chosen for round 2, not yet played
    with classroom_server(tmp_path, "classroom-restart-2.log") as url:
        teacher.goto(url + teacher_address)
        teacher.get_by_text("Rounds played: 1 of 5 · year 2026").wait_for(timeout=RUN_TIMEOUT_MS)
        teacher.get_by_text("1 of 1 provinces' players have chosen").wait_for()
        student.goto(url + student_address)
        student.get_by_text("Year: 2026").wait_for(timeout=RUN_TIMEOUT_MS)
        assert spending(student) == before  # the same seed and choices: the same results
        expect(student.locator(".tsim-input-tax_rebate input")).to_have_value("0.1")  # the choice for round 2
        advance(teacher, 2)
        student.get_by_text("Year: 2027").wait_for(timeout=RUN_TIMEOUT_MS)
