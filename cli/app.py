"""The ``bitext`` command. Commands live in their own modules; this file only wires them up."""

from __future__ import annotations

import os
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from align import __version__
from align.errors import BitextError
from cli.common import err_console


class _Group(TyperGroup):
    """Turns library errors into one-line messages for every command and sub-command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return list(super().parse_args(ctx, args))
        except typer.TyperException as exc:
            if not _is_usage_error(exc):
                raise
            _usage_error(exc)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.TyperException as exc:
            if not _is_usage_error(exc):
                raise
            _usage_error(exc)
        except (typer.Exit, typer.Abort):
            raise
        except BitextError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            err_console.print("bitext: interrupted; finished work is saved, run again to resume")
            raise typer.Exit(130) from None
        except OSError as exc:  # a file-system problem no command foresaw
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}; check the path and its permissions")
        except Exception as exc:
            if os.environ.get("BITEXT_DEBUG"):
                raise
            _fail(
                f"unexpected {type(exc).__name__}: {exc}; this is a bug in bitext, please "
                "report it (BITEXT_DEBUG=1 shows where it happened)"
            )


def _is_usage_error(exc: typer.TyperException) -> bool:
    """Exit code 2, but not a bare ``bitext`` or ``bitext models`` (those print their help)."""
    return getattr(exc, "exit_code", 1) == 2 and type(exc).__name__ != "NoArgsIsHelpError"


def _usage_error(exc: typer.TyperException) -> NoReturn:
    """A wrong option or a missing argument: one line and where to look, exit code 2."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "bitext"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = message.replace(": Value error, ", ": ")  # typer's wording for a bad choice
    err_console.print(f"bitext: usage error: {message} (see {where} --help)", markup=False)
    raise typer.Exit(2) from None


def _fail(message: str) -> NoReturn:
    err_console.print(f"bitext: error: {message.splitlines()[0] if message else ''}", markup=False)
    raise typer.Exit(1) from None


app = typer.Typer(
    name="bitext",
    cls=_Group,
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
    from cli import (
        align_cmd,
        batch_cmd,
        draft_cmd,
        export_cmd,
        import_cmd,
        models_cmd,
        qa_cmd,
        report_cmd,
        review_cmd,
        run_cmd,
        segment_cmd,
        status_cmd,
        terms_cmd,
        tm_cmd,
    )

    app.command("run")(run_cmd.run)
    app.command("batch")(batch_cmd.batch)
    app.command("review")(review_cmd.review)
    app.command("status")(status_cmd.status)
    app.command("report")(report_cmd.report)
    app.command("segment")(segment_cmd.segment)
    app.command("qa")(qa_cmd.qa)
    app.command("export")(export_cmd.export)
    app.command("import")(import_cmd.import_file)
    app.command("align")(align_cmd.align_files)
    app.command("draft")(draft_cmd.draft)
    app.add_typer(models_cmd.app, name="models")
    app.add_typer(tm_cmd.app, name="tm")
    app.command("terms")(terms_cmd.terms)


_register()


def main() -> None:
    """Console entry point (``bitext``)."""
    app()
