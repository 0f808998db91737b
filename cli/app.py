"""The ``bitext`` command. Commands live in their own modules; this file only wires them up."""

from __future__ import annotations

import sys

import typer

from align import __version__
from align.errors import BitextError
from cli.common import err_console

app = typer.Typer(
    name="bitext",
    help="Chinese→English drafts, sentence alignment, review and translation memories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bitext {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Chinese→English drafts, sentence alignment, review and translation memories."""


def _register() -> None:
    from cli import run_cmd

    app.command("run")(run_cmd.run)


_register()


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit code 1."""
    try:
        app(standalone_mode=False)
    except BitextError as exc:
        err_console.print(f"bitext: error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("bitext: interrupted; finished work is saved, run again to resume")
        sys.exit(130)
    except Exception as exc:  # click's own usage errors
        import click

        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        raise
