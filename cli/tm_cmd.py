"""``bitext tm search``: concordance over memories; and the ``--tm`` options of run and draft."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import Quiet, info
from cli.options import TgtLangOpt

if TYPE_CHECKING:
    from align.qa.glossary import Glossary
    from align.tm import Memory
    from models.base import Translator

TmOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--tm",
        help="Translation memory (TMX, bitext project, JSONL/TSV/XLIFF, or a folder of them); "
        "repeatable. Exact matches replace MT (origin tm); fuzzy ones are stored beside the "
        "draft for review.",
        metavar="MEMORY",
    ),
]
TmThresholdOpt = Annotated[
    int,
    typer.Option(
        "--tm-threshold",
        min=50,
        max=100,
        help="Lowest fuzzy match kept, in percent (50-100; character-level similarity).",
    ),
]


def open_memories(memories: list[Path] | None, tgt_lang: str, quiet: bool) -> tuple[Memory, ...]:
    """Before the model loads: a bad memory must not cost a model load (indexed once, cached)."""
    if not memories:
        return ()
    from align.memory import open_memories as open_all

    return open_all(list(memories), tgt_lang, lambda message: info(message, quiet))


def with_memories(
    translator: Translator,
    memories: tuple[Memory, ...],
    threshold: int,
    glossary: Glossary | None,
) -> Translator:
    """``translator`` answering exact matches from ``memories``, fuzzy ones beside its drafts."""
    if not memories:
        return translator
    from align.tm import TmTranslator

    return TmTranslator(translator, memories, threshold, glossary)


app = typer.Typer(
    help="Translation memories: concordance search.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@dataclass(frozen=True)
class ConcordanceLine:
    """One hit as ``--json`` prints it (``start``/``end`` index the side that holds it)."""

    memory: str
    unit: int  # 1-based, in memory order
    side: str
    source: str
    target: str
    start: int
    end: int


@app.command("search")
def search(
    text: Annotated[
        str,
        typer.Argument(
            help="Word or phrase: Chinese searches the sources, anything else the English "
            "(whole words, any case; word* matches words starting with word).",
            metavar="TEXT",
        ),
    ],
    tm: Annotated[
        list[Path],
        typer.Option("--tm", help="Memory to search (repeatable).", metavar="MEMORY"),
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Most lines shown per memory.")
    ] = 20,
    width: Annotated[
        int, typer.Option("--width", min=4, max=200, help="Context characters on each side.")
    ] = 30,
    tgt_lang: TgtLangOpt = "en",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the hits as JSON on stdout.")
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Find memory units whose Chinese or English holds TEXT, as keyword-in-context lines."""
    from align.memory import open_memory

    if not text.strip():
        raise typer.BadParameter("give a word or phrase to look for", param_hint="TEXT")
    lines: list[ConcordanceLine] = []
    total = 0
    for path in tm:
        memory = open_memory(path, tgt_lang, lambda message: info(message, quiet))
        count, hits = memory.search(text.strip(), limit)
        total += count
        lines += [
            ConcordanceLine(memory.name, h.unit + 1, h.side, h.source, h.target, h.start, h.end)
            for h in hits
        ]
        hold = "unit holds" if count == 1 else "units hold"
        info(f"{path}: {count} {hold} {text.strip()!r}", quiet)
    if as_json:
        typer.echo(json.dumps([asdict(line) for line in lines], ensure_ascii=False, indent=1))
        return
    _print_kwic(lines, width)


def _print_kwic(lines: list[ConcordanceLine], width: int) -> None:
    from rich.cells import cell_len
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    lefts = []
    for line in lines:
        text = line.source if line.side == "source" else line.target
        left = text[max(0, line.start - width) : line.start].replace("\n", " ")
        lefts.append(("…" if line.start > width else "") + left)
    column = max((cell_len(left) for left in lefts), default=0)  # keywords line up
    labels = [f"{line.memory}:{line.unit}" for line in lines]
    label_width = max((len(label) for label in labels), default=0)
    for line, left, label in zip(lines, lefts, labels, strict=True):
        text = line.source if line.side == "source" else line.target
        other = line.target if line.side == "source" else line.source
        right = text[line.end : line.end + width].replace("\n", " ")
        row = Text(label.ljust(label_width) + "  ", style="dim")
        row.append(" " * (column - cell_len(left)) + left)
        row.append(text[line.start : line.end], style="bold reverse")
        row.append(right + ("…" if line.end + width < len(text) else ""))
        row.append("  ‖  ", style="dim")
        row.append(other, style="cyan")
        console.print(row)
