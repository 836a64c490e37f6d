"""Output files appear whole or not at all, with the mode 0666 less the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sim.core.errors import InputError
from sim.core.outfile import new_file_mode, write_whole


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_the_file_gets_the_mode_open_would_give(tmp_path: Path, umask: int, mode: int):
    old = os.umask(umask)
    try:
        assert new_file_mode() == mode
        out = write_whole(tmp_path / "out.txt", lambda tmp: tmp.write_text("whole"))
        assert os.umask(umask) == umask  # reading the umask left it as it was
    finally:
        os.umask(old)
    assert out.read_text() == "whole"
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_failing_writer_leaves_the_previous_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "out.txt"
    target.write_text("previous")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_whole(target, half_then_fail)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_pipe_is_refused_not_replaced(tmp_path: Path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="not a regular file"):
        write_whole(pipe, lambda tmp: tmp.write_text("x"))
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_symbolic_link_is_written_through(tmp_path: Path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert write_whole(link, lambda tmp: tmp.write_text("new")) == link
    assert link.is_symlink() and target.read_text() == "new"
