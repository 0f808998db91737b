"""``bitext align``: pair the sentences of a Chinese text with those of its English translation."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from align import __version__
from align.errors import InputError
from align.model import Bead, Draft, Project, Segment, Side
from align.textio import read_text
from cli.common import (
    Overwrite,
    Quiet,
    Semantic,
    check_chinese,
    check_english,
    check_outputs,
    check_review_kept,
    err_console,
    info,
    progress_bars,
    sentence_encoder,
    warn_if_sizes_differ,
)
from cli.inputs import DOCUMENT_HELP, Format, FormatOpt, load

# most beads doubtful: on MAC-Dev at most 15% of a chapter's beads score < 0.5, for a text
# aligned with an unrelated one 78%
DOUBT_SHARE = 0.5
DOUBT_MIN_BEADS = 20


def _lines(text: str, keepends: bool = False) -> list[str]:
    """Lines split at newlines only (the reader made every line end a \\n): U+2028, a form
    feed or NEL inside a line stay in it, as a one-sentence-per-line file means."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines] if keepends else lines


def _lines_as_segments(text: str) -> list[Segment]:
    """One segment per line, kept exactly as written (``--segmented``)."""
    segments: list[Segment] = []
    pos = 0
    for line in _lines(text, keepends=True):
        body = line.rstrip("\n")
        segments.append(Segment(len(segments), body, paragraph=0, start=pos, end=pos + len(body)))
        pos += len(line)
    return segments


def load_side(
    path: Path, lang: str, segmented: bool, quiet: bool, fmt: Format | None = None
) -> tuple[str, list[Segment]]:
    if not segmented:
        from align.documents import segment_document

        document = load(path, quiet, fmt)
        return document.text, segment_document(document, lang)
    loaded = read_text(path)  # one sentence per line: only plain text means that
    if loaded.encoding == "gb18030":
        info(f"{path}: read as GB18030 (not UTF-8)", quiet)
    segments = _lines_as_segments(loaded.text)
    blank = [s.id + 1 for s in segments if not s.text.strip()]
    if blank:  # kept (the line numbers are the bead ids), but worth a look
        where = ", ".join(map(str, blank[:5])) + (" …" if len(blank) > 5 else "")
        info(f"{path}: {len(blank)} empty line(s) kept as sentences (line {where})", quiet)
    return loaded.text, segments


def check_languages(zh_path: Path, zh_text: str, en_path: Path, en_text: str) -> None:
    """Catch swapped or mistaken files before aligning nonsense."""
    check_chinese(zh_path, zh_text)
    check_english(en_path, en_text)
    warn_if_sizes_differ(zh_path, zh_text, en_path, en_text)


def load_drafts(path: Path, count: int) -> list[Draft]:
    """One draft per Chinese sentence: a text file (one per line) or a bitext project's drafts."""
    if path.suffix.lower() == ".json":
        from align.formats.project_json import read_project

        drafts = [d.text if d else "" for d in read_project(path).drafts]
        model, engine = f"project:{path.name}", "project"
    else:
        drafts = _lines(read_text(path).text)
        model, engine = f"file:{path.name}", "external"
    if len(drafts) != count:
        raise InputError(
            f"{path}: {len(drafts)} drafts for {count} Chinese sentences; give exactly one per "
            "sentence (with --segmented, one per line of the Chinese file)"
        )
    fingerprint = hashlib.sha256("\n".join(drafts).encode("utf-8")).hexdigest()[:16]
    return [Draft(text, model, fingerprint, engine) for text in drafts]


@dataclass(frozen=True)
class AlignSummary:
    """What ``--json`` prints: enough for a script to decide whether to look closer."""

    source_sentences: int
    target_sentences: int
    beads: int
    low_score_beads: int  # score < 0.5: the review queue's first candidates
    uncovered_source: int  # sentences in long runs the other side does not translate
    uncovered_target: int
    semantic: bool
    seconds: float


def _tell(summary: AlignSummary, zh: Path, en: Path, quiet: bool) -> None:
    """The one-line summary on stderr, and a warning when most beads are in doubt."""
    info(
        f"{summary.source_sentences} zh / {summary.target_sentences} en sentences → "
        f"{summary.beads} beads ({summary.low_score_beads} scored < 0.5) "
        f"in {summary.seconds} s",
        quiet,
    )
    if summary.beads >= DOUBT_MIN_BEADS and summary.low_score_beads > DOUBT_SHARE * summary.beads:
        err_console.print(  # shown even with --quiet: the whole alignment is in doubt
            f"bitext: warning: {summary.low_score_beads} of {summary.beads} beads scored < 0.5; "
            f"check that {en.name} translates {zh.name} (and that both are complete)",
            markup=False,
        )


def _project(
    zh: Path,
    src: list[Segment],
    en: Path,
    tgt: list[Segment],
    drafts: list[Draft] | None,
    beads: list[Bead],
) -> Project:
    return Project(
        source=Side("zh", str(zh), tuple(src)),
        target=Side("en", str(en), tuple(tgt)),
        drafts=tuple(drafts) if drafts else tuple(None for _ in src),
        beads=tuple(beads),
        tool_version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def align_files(
    zh: Annotated[Path, typer.Argument(help=f"Chinese document: {DOCUMENT_HELP}.", metavar="ZH")],
    en: Annotated[
        Path, typer.Argument(help="Its English translation, same formats.", metavar="EN")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write a bitext project (JSON) here.")
    ] = None,
    drafts: Annotated[
        Path | None,
        typer.Option(
            "--drafts",
            help="MT drafts: one per Chinese sentence (one per line), or a bitext project JSON.",
        ),
    ] = None,
    segmented: Annotated[
        bool,
        typer.Option("--segmented", help="Both files are one sentence per line; use them as is."),
    ] = False,
    beads_out: Annotated[
        Path | None,
        typer.Option(
            "--beads-out", help="Write one bead per line, 0-based, like [0,1]:[0], [3]:[], []:[7]."
        ),
    ] = None,
    hard_paragraphs: Annotated[
        bool,
        typer.Option("--hard-paragraphs", help="Never let a bead cross a paragraph break."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary on stdout instead of beads.")
    ] = False,
    quiet: Quiet = False,
    overwrite: Overwrite = False,
    semantic: Semantic = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor keep --semantic's vectors.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Align Chinese sentences with their English translation (n:m beads with scores).

    Without -o or --beads-out the beads are printed on stdout in the --beads-out format.
    """
    from align.coverage import align_covered, find_gaps, uncovered
    from align.formats.beads import format_bead, write_beads
    from align.pipeline import encode_sides

    started = time.perf_counter()
    check_outputs({"-o": out, "--beads-out": beads_out}, [zh, en, drafts])
    check_review_kept(out, overwrite)
    zh_text, src = load_side(zh, "zh", segmented, quiet, fmt)
    en_text, tgt = load_side(en, "en", segmented, quiet, fmt)
    check_languages(zh, zh_text, en, en_text)
    draft_list = load_drafts(drafts, len(src)) if drafts else None
    encoder = sentence_encoder(semantic, cache=not no_cache, quiet=quiet)
    draft_texts = [d.text for d in draft_list] if draft_list else None
    with progress_bars(quiet) as progress:
        vectors = encode_sides(
            src, tgt, encoder, progress, drafts=draft_texts, hard_paragraphs=hard_paragraphs
        )
        beads = align_covered(
            src,
            tgt,
            drafts=draft_texts,
            hard_paragraphs=hard_paragraphs,
            semantic=vectors,
            progress=progress("aligning", len(src)),
        )
    if out is not None:
        from align.formats.project_json import write_project

        write_project(out, _project(zh, src, en, tgt, draft_list, beads))
    if beads_out is not None:
        write_beads(beads_out, beads)
    gaps = uncovered(find_gaps(beads))
    summary = AlignSummary(
        source_sentences=len(src),
        target_sentences=len(tgt),
        beads=len(beads),
        low_score_beads=sum(b.score < 0.5 for b in beads),
        uncovered_source=gaps[0],
        uncovered_target=gaps[1],
        semantic=encoder is not None,
        seconds=round(time.perf_counter() - started, 2),
    )
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
    elif out is None and beads_out is None:
        typer.echo("".join(format_bead(b) + "\n" for b in beads), nl=False)
    _tell(summary, zh, en, quiet)
    warn_partial(beads, len(src), len(tgt), en.name)


def warn_partial(beads: Sequence[Bead], n: int, m: int, translation: str = "the reference") -> None:
    """One line (even with --quiet) when one side translates only part of the other."""
    from align.coverage import coverage_warning, find_gaps

    line = coverage_warning(find_gaps(beads), n, m, translation)
    if line is not None:
        err_console.print(f"bitext: warning: {line}", markup=False)
