"""The heatmap and bar chart are written whole; big reports show what loses most."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

from sim.io import load_scenario
from sim.planning import current_cluster, headroom_of, resilience_of
from sim.planning.plots import _worst, plot_headroom, plot_resilience

plots = importlib.import_module("sim.planning.plots")
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_worst_keeps_most_unplaced_then_lost_in_order():
    unplaced = np.array([[0, 0], [3, 0], [1, 0], [1, 1]])
    lost = np.array([[5, 5], [3, 0], [1, 0], [2, 2]])
    assert _worst(unplaced, lost, 0, 2).tolist() == [1, 3]
    assert _worst(unplaced, lost, 1, 1).tolist() == [0]


def test_capped_heatmap_and_headroom_chart(tmp_path, monkeypatch):
    cluster = current_cluster(load_scenario(SCENARIOS / "multi-dc-pools.yaml"))
    monkeypatch.setattr(plots, "MAX_ROWS", 2)
    png = plot_resilience(resilience_of(cluster, "meta.rack"), tmp_path / "racks.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    survived = plot_resilience(resilience_of(cluster, "node"), tmp_path / "nodes.svg")
    assert "<svg" in survived.read_text()
    chart = plot_headroom(headroom_of(cluster), tmp_path / "headroom.png")
    assert chart.stat().st_size > 0 and sorted(p.name for p in tmp_path.iterdir()) == [
        "headroom.png",
        "nodes.svg",
        "racks.png",
    ]
