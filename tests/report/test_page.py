"""The report page: valid HTML with nothing fetched, the Bug #17 story told, names escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import BUNDLED
from .pages import NS, by_id, parse, section, table_rows, text
from .scenarios import HOSTILE, JOB_ID

SECTIONS = (
    "summary",
    "findings",
    "scenario",
    "check",
    "why-not",
    "whatif",
    "capacity",
    "resilience",
    "sweep",
    "graph",
)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_report_is_valid_html_with_every_section(bundled_reports, name: str):
    root = parse(bundled_reports[name])
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for ident in SECTIONS:
        section(root, ident)
    # Every in-page link has a target: the sections are linkable.
    links = {e.get("href")[1:] for e in root.iter(f"{NS}a") if e.get("href", "").startswith("#")}
    assert links <= set(ids)
    assert set(SECTIONS) <= links


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_report_refers_to_nothing_outside_itself(bundled_reports, name: str):
    root = parse(bundled_reports[name])
    for element in root.iter():
        for attribute in ("src", "href", "action", "srcset", "poster"):
            value = element.get(attribute)
            if value is not None:
                assert value.startswith(("#", "data:image/svg+xml;base64,")), (
                    attribute,
                    value[:60],
                )
    assert root.find(f".//{NS}link") is None
    policy = [m.get("content") for m in root.iter(f"{NS}meta") if m.get("http-equiv")]
    assert policy and policy[0].startswith("default-src 'none'")
    # Styles and the script are inline, and there is exactly one of each.
    assert len(list(root.iter(f"{NS}style"))) == 1
    scripts = list(root.iter(f"{NS}script"))
    assert len(scripts) == 1 and scripts[0].get("src") is None


def test_bug17_report_tells_the_story_on_one_page(bug17_report: Path):
    root = parse(bug17_report)
    findings = text(section(root, "findings"))
    # The observed symptom: placed on the Windows node, pending, deployment failed by deadline,
    # and no placement failure from Nomad.
    assert "grafana/grafana: placed on windows-0 but cannot start there" in findings
    assert 'Linux image "grafana/grafana:7.4.2" on a Windows Docker node' in findings
    assert "Nomad reports no placement failure" in findings
    assert (
        "grafana: grafana.grafana[0] pending on the client; Nomad fails the deployment: "
        '"Failed due to progress deadline" after 10m0s' in findings
    )
    assert "What-if client_count=0" in findings
    check = dict((row[0], row) for row in table_rows(by_id(root, "check-table")))
    assert check["grafana/grafana"][5:] == ["placed, cannot start", "-", "windows-0"]
    assert "None: every job places all its allocations." in text(section(root, "check"))
    change = {row[0]: row[1:] for row in table_rows(by_id(root, "whatif-table"))}
    assert change["grafana/grafana"] == ["placed 1/1", "placed, cannot start 1/1", "-", "yes"]
    moves = {row[0]: row[1:] for row in table_rows(by_id(root, "moves-table"))}
    assert moves["grafana/grafana"] == ["linux-0 ×1", "windows-0 ×1"]
    why = table_rows(by_id(root, "why-not-table-1"))
    assert ["hashistack-windows · dc1 · windows", "#0", "1", "feasible", "", ""] in why
    assert any(row[3] == "placed but cannot start" for row in why)
    graph = table_rows(by_id(root, "graph-table"))
    assert all("Windows Docker node" in row[4] for row in graph)
    # The sweep covers client_count 0.. and shows that a Linux client fixes the three jobs.
    sweep = {(r[0], r[1]): r[2] for r in table_rows(by_id(root, "sweep-table"))}
    assert sweep[("0", "1")] == "0/4" and sweep[("1", "0")] == "4/4"


def test_bug17_page_without_the_whatif_says_none_was_given(bundled_reports):
    root = parse(bundled_reports["hashistack.yaml"])
    assert "No what-if given" in text(section(root, "whatif"))
    check = {row[0]: row for row in table_rows(by_id(root, "check-table"))}
    assert check["grafana/grafana"][5] == "placed"


def test_hostile_names_are_text(hostile_report: Path):
    raw = hostile_report.read_text(encoding="utf-8")
    root = parse(hostile_report)
    # One script element (the page's own), no element the names could have opened.
    assert len(list(root.iter(f"{NS}script"))) == 1
    assert [e for e in root.iter(f"{NS}b") if e.text == "bold"] == []
    assert "window.pwned" not in "".join(s.text or "" for s in root.iter(f"{NS}script"))
    body = text(root)
    for value in HOSTILE.values():
        assert value in body, value[:40]
    check = {row[0]: row for row in table_rows(by_id(root, "check-table"))}
    assert f"{JOB_ID}/{HOSTILE['quotes']}" in check
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in raw
    assert re.search(r"<script>window\.pwned", raw) is None
    assert "it&#39;s &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;" in raw


def test_what_the_answer_assumes_is_among_the_findings(tmp_path: Path):
    from sim.io import load_scenario
    from sim.io.bundled import bundled_scenario
    from sim.report import Request, collect, write_report

    content = collect(load_scenario(bundled_scenario()), Request(domains=(), capacity=()))
    note = "preemption is not modelled: <it is on>"
    content.run.groups[0].notes.append(note)
    root = parse(write_report(content, tmp_path / "notes.html"))
    findings = text(section(root, "findings"))
    assert f"Not modelled, the answer assumes: grafana/grafana: {note}" in findings
