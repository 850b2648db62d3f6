"""The classroom game: students govern provinces, the teacher runs the years.

:mod:`.scenario` is what the teacher chooses, :mod:`.game` the rules of rooms and rounds,
:mod:`.store` what lasts (SQLite), :mod:`.outcomes` the scoreboard and the debrief's figures and
:mod:`.export` the game as CSV or Parquet files. The page is ``dashboard/classroom_page.py``.
"""
