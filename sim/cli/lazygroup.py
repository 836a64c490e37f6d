"""The app's click group with each command built when it is first looked up.

Typer builds the click command of every registered command before parsing anything: it
reads each function's signature, evaluates its annotations and makes its options, a few
milliseconds per command. A run needs one command (``--help`` lists them all, and builds
them all), so ``main`` builds the group with its commands pending and builds a command the
first time the group looks it up. The commands are the ones typer would build: the same
function, ``typer.main.get_command_from_info``, on the same registrations. ``--help`` lists
the commands by name and help text alone, so it builds none either.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand
from typer.models import CommandInfo


def _listed(name: str, info: CommandInfo) -> TyperCommand:
    """What a command list reads of a command (name, help, short help, hidden, deprecated),
    its help text found as ``get_command_from_info`` finds it, without its parameters."""
    text = inspect.cleandoc(info.help) if info.help is not None else inspect.getdoc(info.callback)
    return TyperCommand(
        name=name,
        help=text,
        short_help=info.short_help,
        hidden=info.hidden,
        deprecated=info.deprecated,
    )


class PendingCommands(MutableMapping[str, Any]):
    """Command name → click command, in registration order, each built on first access.

    Names and membership need no building (usage errors, "did you mean" suggestions)."""

    def __init__(self, app: typer.Typer) -> None:
        self._app = app
        self._pending: dict[str, CommandInfo | None] = {
            info.name or typer.main.get_command_name(info.callback.__name__): info
            for info in app.registered_commands
            if info.callback is not None
        }
        self._built: dict[str, Any] = {}
        self._listing = False

    @contextmanager
    def listing(self) -> Iterator[None]:
        """While the group lists its commands (``--help``): a command not built yet is looked
        up as its entry in the list (``_listed``), not built."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            info = self._pending[name]  # KeyError for an unknown name, as a dict
            assert info is not None
            if self._listing:
                return _listed(name, info)
            self._built[name] = typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=self._app.pretty_exceptions_short,
                rich_markup_mode=self._app.rich_markup_mode,
            )
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._pending.setdefault(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._pending[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._pending)

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, name: object) -> bool:
        return name in self._pending


def lazy_group(app: typer.Typer) -> Any:
    """``app``'s click group (what ``app()`` runs), its commands built on first lookup."""
    registered = app.registered_commands
    app.registered_commands = []  # the group alone: its callback, options and settings
    try:
        group = typer.main.get_group(app)
    finally:
        app.registered_commands = registered
    group.commands = PendingCommands(app)
    return group
