"""The console script (``sim.cli.run``): the same output and exit codes as ``main``, exit
handlers run, and the unusual endings (a thread still running, a closed stdout) left to the
interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import sim.cli
from sim.cli import process

from .helpers import DEFAULT, ROOT


def _python(code: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in process.PROCESS_SETTINGS:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


MAIN = "import sys; from sim.cli import main; sys.argv[0] = 'nomad-sim'; main()"
RUN = "import sys; from sim.cli import run; sys.argv[0] = 'nomad-sim'; run()"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", DEFAULT], 0),
        (["whatif", DEFAULT, "--set", "client_count=0", "--set", "windows_client_count=0"], 3),
        (["check", DEFAULT.with_name("absent.yaml")], 2),
        (["check", "--seed", "-1"], 2),
        (["--version"], 0),
    ],
)
def test_run_prints_and_exits_as_main_does(args: list[str | Path], code: int):
    by_main, by_run = _python(MAIN, *args), _python(RUN, *args)
    assert by_main.returncode == by_run.returncode == code, by_run.stderr
    assert (by_run.stdout, by_run.stderr) == (by_main.stdout, by_main.stderr)
    assert (by_run.stdout.strip() == "") == (code == 2)


def test_exit_handlers_still_run():
    code = "import atexit; atexit.register(print, 'handler ran'); " + RUN
    done = _python(code, "--version")
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "handler ran"


@pytest.mark.parametrize(("name", "value"), process.PROCESS_SETTINGS.items())
def test_the_settings_are_the_console_scripts_own(name: str, value: str):
    probe = f"import os, atexit; atexit.register(lambda: print(os.environ.get({name!r})))"
    assert _python(f"{probe}; {RUN}", "--version").stdout.splitlines()[-1] == value
    assert _python(f"{probe}; {MAIN}", "--version").stdout.splitlines()[-1] == "None"
    mine = {**os.environ, "PYTHONPATH": str(ROOT), name: "7"}
    code = f"{probe}; {RUN}"
    done = subprocess.run(
        [sys.executable, "-c", code, "--version"], capture_output=True, text=True, env=mine
    )
    assert done.stdout.splitlines()[-1] == "7"  # the user's own value stays


def test_the_console_script_sets_them_before_numpy_loads():
    code = "import sys, sim.cli; print(sorted({'numpy', 'pydantic'} & set(sys.modules)))"
    assert _python(code).stdout.strip() == "[]"


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (3, 3), ("boom", 1)])
def test_exit_status_follows_the_interpreter(code: object, status: int, capsys):
    assert process.exit_status(code) == status
    assert capsys.readouterr().err == ("boom\n" if code == "boom" else "")


def test_a_running_thread_takes_the_ordinary_exit(monkeypatch):
    for name in process.PROCESS_SETTINGS:  # run() sets them; restored after
        monkeypatch.setenv(name, "1")
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    monkeypatch.setattr(sim.cli, "main", lambda: None)
    monkeypatch.setattr(process.os, "_exit", pytest.fail)
    try:
        with pytest.raises(SystemExit) as ended:
            process.run()
    finally:
        release.set()
        worker.join()
    assert ended.value.code is None
    assert not process._keeping  # the ordinary way out holds nothing for in-process callers


def test_a_failed_flush_takes_the_ordinary_exit(monkeypatch):
    for name in process.PROCESS_SETTINGS:
        monkeypatch.setenv(name, "1")

    def closed_pipe() -> None:
        raise BrokenPipeError

    def exits_3() -> None:
        raise SystemExit(3)

    monkeypatch.setattr(sim.cli, "main", exits_3)
    monkeypatch.setattr(process.os, "_exit", pytest.fail)
    monkeypatch.setattr(process.atexit, "_run_exitfuncs", lambda: None)
    with monkeypatch.context() as patched, pytest.raises(SystemExit) as ended:
        patched.setattr(sys.stdout, "flush", closed_pipe)
        process.run()
    assert ended.value.code == 3


def test_the_console_script_holds_the_last_cluster_and_run_to_the_end():
    probe = (
        "import atexit, sys; from sim.cli import process; "
        "atexit.register(lambda: print('HELD', [type(v).__name__ for v in process._KEPT]))"
    )
    held = _python(f"{probe}; {RUN}", "check", DEFAULT).stdout.splitlines()[-1]
    assert held == "HELD ['ResolvedScenario', 'ScenarioRun']"
    held = _python(f"{probe}; {MAIN}", "check", DEFAULT).stdout.splitlines()[-1]
    assert held == "HELD []"  # in a process of its own, main frees as it goes


def test_nothing_is_held_outside_the_console_script():
    process.keep_to_exit("a cluster")
    assert list(process._KEPT) == []


LOADER_PROBE = (
    "import atexit, sys; "
    "atexit.register(lambda: print('loader', getattr(sys.modules.get("
    "'pydantic.plugin._loader'), '__file__', None) is not None, "
    "'metadata', 'importlib.metadata' in sys.modules)); " + RUN
)


@pytest.mark.parametrize(
    ("setting", "real_loader"), [(None, False), ("__all__", False), ("some_plugin", True)]
)
def test_the_plugin_loader_is_stood_in_for_only_while_every_plugin_is_off(setting, real_loader):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    done = subprocess.run(
        [sys.executable, "-c", LOADER_PROBE, "check", str(DEFAULT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"loader {real_loader} metadata {real_loader}"


def test_the_stand_in_answers_as_the_plugin_loader_does():
    code = "from pydantic.plugin._loader import get_plugins; print(tuple(get_plugins()))"
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == repr(tuple(process._no_plugins_loader().get_plugins())) == "()"
