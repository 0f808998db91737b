"""``bitext terms``: propose zh–en term pairs from aligned memories, as a glossary TSV to review."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from cli.common import Overwrite, Quiet, check_outputs, info
from cli.options import TgtLangOpt


def terms(
    memories: Annotated[
        list[Path],
        typer.Argument(
            help="Aligned memories: TMX, bitext projects, JSONL/TSV/XLIFF, or folders of them.",
            metavar="MEMORY...",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Glossary TSV to write (the format qa --glossary reads)."
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Most candidates kept.")] = 200,
    min_count: Annotated[
        int, typer.Option("--min-count", min=2, help="Fewest units a Chinese term must occur in.")
    ] = 3,
    tgt_lang: TgtLangOpt = "en",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the candidates as JSON on stdout.")
    ] = False,
    quiet: Quiet = False,
    overwrite: Overwrite = False,
) -> None:
    """Rank recurring Chinese terms with their English (bead co-occurrence + CC-CEDICT)."""
    from align.memory import read_memory
    from align.qa.glossary_tsv import format_glossary_tsv, write_glossary_tsv
    from align.terms import as_glossary, term_candidates

    if output is not None:
        check_outputs({"-o": output}, list(memories))
        if output.exists() and not overwrite:
            raise typer.BadParameter(
                f"{output} exists; add --overwrite to replace it", param_hint="--output"
            )
    pairs: list[tuple[str, str]] = []
    for path in memories:
        units = read_memory(path, tgt_lang)
        pairs += list(zip(units.sources, units.targets, strict=True))
    found = term_candidates(pairs, min_count=min_count, top=top)
    glossary = as_glossary(found)
    if as_json:
        typer.echo(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=1))
    if output is not None and found:
        write_glossary_tsv(output, glossary)
    elif output is None and not as_json:
        typer.echo(format_glossary_tsv(glossary), nl=False)
    if not found:
        info(
            f"no term candidates in {len(pairs):,} units (a term must recur: try --min-count 2 "
            "or a larger memory)",
            quiet,
        )
        return
    where = f" → {output}" if output is not None else ""
    info(f"{len(found)} term candidates from {len(pairs):,} units{where}", quiet)
