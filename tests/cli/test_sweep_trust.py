"""A sweep a planner can trust: axes validated, one JSON type per axis, a plot whose title
and caption fit, and a line under every single-seed result saying it is one seed."""

from __future__ import annotations

import json

import pytest

from sim.whatif import one_seed_note, parse_grid, sweep
from sim.whatif.heatmap import sweep_figure

from .helpers import DEFAULT, one_error_line

ONE_SEED = "one shuffle seed (--seed 0)"


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        (["client_count=0..1", "client_count=2..3"], "'client_count' is given twice"),
        (["client_count=1,2", "client_count=1,2"], "'client_count' is given twice"),
        (["client_count=1,1,2"], "1 given twice"),
        (["client_count=1,01"], "1 given twice"),
    ],
)
def test_a_repeated_axis_or_value_is_one_line_exit_2(cli, grid: list[str], expected: str):
    args = [a for spec in grid for a in ("--grid", spec)]
    assert expected in one_error_line(cli("sweep", *args))


def test_a_grid_axis_also_set_with_set_is_refused(cli):
    line = one_error_line(cli("sweep", "--grid", "client_count=0..1", "--set", "client_count=3"))
    assert "--grid 'client_count' and --set client_count both give it" in line


def test_a_listed_grid_gives_the_json_types_a_range_gives(cli):
    listed = json.loads(cli("sweep", "--grid", "client_count=0,1,2", "--format", "json").stdout)
    ranged = json.loads(cli("sweep", "--grid", "client_count=0..2", "--format", "json").stdout)
    assert [p["values"] for p in listed] == [{"client_count": n} for n in (0, 1, 2)]
    assert listed == ranged
    assert parse_grid("algorithm=binpack,spread") == ("algorithm", ["binpack", "spread"])


def test_every_single_seed_result_says_so(cli):
    table = cli("sweep", "--grid", "client_count=0..1", "--seed", "7")
    assert table.exit_code == 0, table.output
    assert table.stdout.rstrip().splitlines()[-1] == f"note: {one_seed_note(7)}"
    assert "one shuffle seed (--seed 7)" in one_seed_note(7)
    markdown = cli("sweep", "--grid", "client_count=0..1", "--format", "markdown")
    assert markdown.stdout.rstrip().endswith(one_seed_note(0))
    rows = json.loads(cli("sweep", "--grid", "client_count=0..1", "--format", "json").stdout)
    assert all(r["seed"] == 0 and r["note"].startswith(ONE_SEED) for r in rows)


@pytest.mark.parametrize(
    "axes", [["client_count=0..4"], ["client_count=0..1", "windows_client_count=0,1"]]
)
def test_the_plot_title_and_caption_fit_inside_the_figure(axes: list[str]):
    grid = [parse_grid(spec) for spec in axes]
    points = sweep(DEFAULT, grid)
    fig = sweep_figure(points, grid, one_seed_note(0))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    title = fig.axes[0].title
    caption = fig._supxlabel
    assert title.get_text() == "task groups placed and able to start"
    assert caption.get_text().replace("\n", " ") == one_seed_note(0)
    for text in (title, caption):
        box = text.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, (text.get_text(), box, frame)
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, (text.get_text(), box, frame)
