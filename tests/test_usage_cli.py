"""Every invalid option value is a usage error: one line on stderr, exit 2, before any work.

``--engine``, ``--device``, ``--compute-type``, ``--min-score``, ``--quantization``, the language
tags and ``import --from json`` once ended in exit 1 (bad input) after the files were read;
the README promises 2 for usage errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
import typer.main
from typer.core import TyperOption

from cli.app import app
from tests.test_bad_input_cli import bitext, files  # noqa: F401 - files is a fixture

RUN = ["run", "zh.txt"]
DRAFT = ["draft", "zh.txt", "-o", "d.json"]
EXPORT = ["export", "p.json", "-o", "x.tmx"]
IMPORT = ["import", "tm.tmx", "-o", "new.json"]
REVIEW = ["review", "p.json"]

BAD_VALUES = [
    *[
        [*command, option, value]
        for command in (RUN, DRAFT)
        for option, value in (
            ("--engine", "marian"),
            ("--device", "tpu"),
            ("--compute-type", "int4"),
            ("--beam", "0"),
            ("--beam", "17"),
            ("--batch-size", "0"),
            ("--max-length", "4"),
            ("--max-length", "4096"),
            ("--threads", "0"),
        )
    ],
    [*RUN, "--tgt-lang", "zh"],
    [*RUN, "--tgt-lang", "zh-Hant"],
    [*RUN, "--tgt-lang", ""],
    [*RUN, "--tgt-lang", "en us"],
    [*EXPORT, "--min-score", "2"],
    [*EXPORT, "--min-score", "-0.5"],
    [*EXPORT, "--min-score", "high"],
    [*EXPORT, "--to", "docx"],
    [*EXPORT, "--status", "done"],
    [*EXPORT, "--origin", "robot"],
    [*EXPORT, "--src-lang", "zh CN"],
    [*EXPORT, "--tgt-lang", "en!"],
    [*IMPORT, "--from", "json"],
    [*IMPORT, "--from", "docx"],
    [*IMPORT, "--src-lang", "zh CN"],
    [*IMPORT, "--tgt-lang", "_"],
    ["terms", "p.json", "--tgt-lang", "en us"],
    ["tm", "search", "会议", "--tm", "p.json", "--tgt-lang", "zh"],
    ["segment", "zh.txt", "--lang", "fr"],
    [*REVIEW, "--order", "random"],
    [*REVIEW, "--status", "done"],
    [*REVIEW, "--accept-above", "1.5"],
    [*REVIEW, "--set", "1=maybe"],
    [*REVIEW, "--set", "99=accepted"],
    ["models", "convert", "some/model", "--quantization", "int4"],
]


@pytest.mark.parametrize("args", BAD_VALUES, ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_invalid_option_value_is_a_one_line_usage_error(
    files: Path,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    before = sorted(p.name for p in files.iterdir())
    p_json = (files / "p.json").read_bytes()
    assert bitext(args, monkeypatch) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bitext: usage error:") and "\n" not in err, err
    assert args[-2] in err and err.endswith("--help)"), err
    assert "Value error" not in err
    assert sorted(p.name for p in files.iterdir()) == before  # no output, no journal
    assert (files / "p.json").read_bytes() == p_json


FREE_TEXT = {
    "--model",
    "--reviewer",
    "--set",
    "--ray-address",
}  # a model, a name, ID=verdict items, a Ray address


def _options() -> list[tuple[str, TyperOption]]:
    def walk(command: object, path: str) -> list[tuple[str, TyperOption]]:
        found = []
        for name, sub in getattr(command, "commands", {}).items():
            found += walk(sub, f"{path} {name}".strip())
        for param in getattr(command, "params", []):
            if isinstance(param, TyperOption):
                found.append((path, param))
        return found

    return walk(typer.main.get_command(app), "")


def test_every_option_value_is_checked_while_parsing() -> None:
    """New options follow the rule too: a number has a range, a word a fixed set of choices or
    a check run while parsing; only paths (bad ones are bad input, exit 1) and FREE_TEXT are
    taken as they come."""
    unchecked = []
    for command, option in _options():
        kind = option.type_descriptor.annotation
        name = option.opts[0]
        if option.is_flag or kind is Path or get_args(kind) == (Path,) or name in FREE_TEXT:
            continue  # paths, one or repeated (--tm): a bad one is bad input
        if kind in (int, float):
            ok = option.min is not None and (kind is int or option.max is not None)
        else:
            ok = isinstance(kind, type) and issubclass(kind, str) and kind is not str
            ok = ok or option.callback is not None
        if not ok:
            unchecked.append(f"{command} {name}")
    assert len(_options()) > 60
    assert unchecked == []
