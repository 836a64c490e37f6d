"""Every way a command can fail ends as one line on stderr and a documented exit code.

Bad input (``InputError`` and its family, a bad option value, an unwritable output file)
exits 2 with one line; anything unexpected exits 2 as an ``internal error`` line, with the
traceback only under ``nomad-sim --debug``. Ctrl-C exits 130 without a word (typer's own
handling, left in place).
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import typer
from typer.core import TyperGroup

from ..core.errors import NomadSimError

EXIT_OK, EXIT_INVALID, EXIT_UNPLACEABLE = 0, 2, 3


@contextmanager
def one_line_usage() -> Iterator[None]:
    """Typer's usage errors (``TyperException``: a bad option value, a missing argument) as
    ``error: …`` and where to find help, without the usage block."""
    try:
        yield
    except typer.TyperException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        typer.echo(f"error: {exc.format_message()}{hint}", err=True)
        raise typer.Exit(exc.exit_code) from None


def internal_error(exc: Exception, debug: bool) -> str:
    if debug:
        return "".join(traceback.format_exception(exc)).rstrip()
    return (
        f"internal error: {type(exc).__name__}: {exc} "
        "(please report it; rerun with --debug for the traceback)"
    )


class GuardedGroup(TyperGroup):
    """The command group: parses, runs the command, and turns any failure into one line."""

    # Contexts are typed Any: typer's own Context type lives in its private vendored click.
    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        with one_line_usage():
            return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: Any) -> list[str]:
        """The names in registration order (typer's order), without building the commands."""
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of ``--help``; pending commands (``lazy_group``) stay unbuilt."""
        listing = getattr(self.commands, "listing", nullcontext)
        with listing():
            super().format_commands(ctx, formatter)

    def invoke(self, ctx: Any) -> Any:
        try:
            with one_line_usage():
                return super().invoke(ctx)
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except NomadSimError as exc:
            message = f"error: {exc}"
        except OSError as exc:
            message = (
                f"error: {exc.filename}: {exc.strerror}"
                if exc.filename is not None
                else internal_error(exc, ctx.params.get("debug", False))
            )
        except Exception as exc:
            message = internal_error(exc, ctx.params.get("debug", False))
        finally:
            gc.unfreeze()  # the inputs `resolve` froze go back to the collector
        typer.echo(message, err=True)
        raise typer.Exit(EXIT_INVALID)
