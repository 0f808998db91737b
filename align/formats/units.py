"""What every exchange format shares: one flat translation unit per bead, and the way back.

TMX, XLIFF, JSONL and TSV all carry the same thing — a source text, a target text and some
metadata per bead — so the formats only map :class:`Unit` to and from their own syntax, and
the rules (language tags, n:m joining, provenance labels, XML-safe text) live here, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from align import __version__
from align.errors import InputError
from align.formats.filters import LeftOut
from align.model import (
    Bead,
    BeadOrigin,
    BeadStatus,
    Draft,
    Edit,
    ModelInfo,
    Project,
    Segment,
    Side,
)

# Same pattern as the project schema's ``lang``: primary subtag, then 2-8 character subtags.
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# XML 1.0 ``Char``: everything else (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF)
# cannot appear in an XML document at all, not even as a character reference.
_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Trados Studio rejects a TU whose side is longer than this, counted in UTF-16 code units (.NET).
TRADOS_MAX_CHARS = 2000
IMPORT_ENGINE = "import"


@dataclass(frozen=True)
class Unit:
    """One exported pair: both texts joined, plus the bead's review metadata.

    ``id`` is the bead's 1-based position in its project, so ids stay stable when a filter
    leaves some beads out (a reviewer can find TU 812 in the project whatever was exported).
    ``model`` is ``id@fingerprint`` of the MT model for machine drafts, else empty.
    """

    id: int
    source: str
    target: str
    score: float = 1.0
    status: BeadStatus = BeadStatus.PENDING
    origin: BeadOrigin = BeadOrigin.HUMAN
    model: str = ""
    flags: tuple[str, ...] = ()
    note: str = ""
    source_ids: tuple[int, ...] = ()
    target_ids: tuple[int, ...] = ()
    document: str = ""
    changed_by: str = ""  # the last reviewer decision's who and when (ISO 8601), if any
    changed_at: str = ""
    paragraph: int | None = None  # the source document's paragraph (0-based) the unit opens in

    @property
    def origin_label(self) -> str:
        """``mt:<model>@<revision>`` for machine drafts, else ``human``, ``edited`` or ``tm``."""
        if self.origin is BeadOrigin.MT and self.model:
            return f"mt:{self.model}"
        return self.origin.value


@dataclass(frozen=True)
class ExportReport:
    """What a writer did: how many units it wrote and what the user should know about."""

    count: int
    warnings: tuple[str, ...] = ()
    left_out: LeftOut = LeftOut()  # beads the export's selection left out, by reason


def normalise_lang(tag: str) -> str:
    """Return ``tag`` as a BCP 47 tag CAT tools match: ``zh_CN`` → ``zh-CN``, ``EN-us`` → ``en-US``.

    An underscore tag matches nothing in most CAT tools (silently), so it is fixed here rather
    than passed on; anything that is not a language tag at all is refused.
    """
    cleaned = tag.strip().replace("_", "-")
    if not _LANG_TAG.fullmatch(cleaned):
        raise InputError(
            f"language {tag!r} is not a language tag; use a BCP 47 tag such as zh-CN, en or en-US"
        )
    first, *rest = cleaned.split("-")
    parts = [first.lower()]
    for sub in rest:
        if len(sub) == 4 and sub.isalpha():
            parts.append(sub.title())  # script: Hans, Hant
        elif len(sub) == 2 and sub.isalpha() or len(sub) == 3 and sub.isdigit():
            parts.append(sub.upper())  # region: CN, US, 419
        else:
            parts.append(sub.lower())
    return "-".join(parts)


def export_langs(project: Project, src_lang: str | None, tgt_lang: str | None) -> tuple[str, str]:
    """The (source, target) tags an export writes: the user's choice, else the project's."""
    src = normalise_lang(src_lang) if src_lang else default_lang(project.source.lang)
    tgt = normalise_lang(tgt_lang) if tgt_lang else default_lang(project.target.lang)
    return src, tgt


def default_lang(lang: str) -> str:
    """The tag to export a project side under: bare ``zh`` means mainland Simplified (zh-CN)."""
    tag = normalise_lang(lang)
    return "zh-CN" if tag == "zh" else tag


def lang_matches(wanted: str, found: str) -> bool:
    """Exact tag match (case-insensitive), or a bare language (``zh``) matching any region."""
    want, have = wanted.replace("_", "-").lower(), found.replace("_", "-").lower()
    return want == have or ("-" not in want and have.split("-")[0] == want)


def same_language(a: str, b: str) -> bool:
    """``zh`` and ``zh-CN`` are one language: a memory with both sides in it is no memory."""
    return lang_matches(a, b) or lang_matches(b, a)


def xml_safe(text: str) -> tuple[str, str]:
    """Return ``text`` without characters XML 1.0 forbids, and a list of what was removed."""
    if _XML_FORBIDDEN.search(text) is None:
        return text, ""
    removed = sorted({f"U+{ord(c):04X}" for c in _XML_FORBIDDEN.findall(text)})
    return _XML_FORBIDDEN.sub("", text), ", ".join(removed)


def utf16_length(text: str) -> int:
    """Length as .NET tools (Trados) count it: characters beyond the BMP count twice."""
    return len(text) if len(text) * 2 <= TRADOS_MAX_CHARS else len(text.encode("utf-16-le")) // 2


def project_units(project: Project, selection: Sequence[int] | None = None) -> Iterator[Unit]:
    """Yield one :class:`Unit` per selected bead (all beads when ``selection`` is None), lazily."""
    document = Path(project.source.path).name if project.source.path else ""
    indexes: Iterable[int] = range(len(project.beads)) if selection is None else selection
    for index in indexes:
        bead = project.beads[index]
        source = project.source_text(bead)
        yield Unit(
            id=index + 1,
            source=source,
            target=project.target_text(bead),
            score=bead.score,
            status=bead.status,
            origin=bead.origin,
            model=_model_label(project, bead),
            flags=bead.flags,
            note=bead.note,
            source_ids=bead.source,
            target_ids=bead.target,
            document=document,
            changed_by=bead.history[-1].who if bead.history else "",
            changed_at=bead.history[-1].when if bead.history else "",
            paragraph=project.source.segments[bead.source[0]].paragraph if source else None,
        )


def _model_label(project: Project, bead: Bead) -> str:
    if bead.origin is not BeadOrigin.MT:
        return ""
    draft = project.drafts[bead.source[0]] if bead.source else None
    if draft is not None:
        return f"{draft.model}@{draft.fingerprint}"
    if project.model is not None:
        return f"{project.model.id}@{project.model.fingerprint}"
    return ""


def parse_origin(label: str) -> tuple[BeadOrigin, str]:
    """Invert :attr:`Unit.origin_label`; labels other tools wrote count as human work."""
    if label.startswith("mt:"):
        return BeadOrigin.MT, label[3:]
    try:
        return BeadOrigin(label), ""
    except ValueError:
        return BeadOrigin.HUMAN, ""


def parse_status(value: str | None) -> BeadStatus:
    try:
        return BeadStatus(value or "pending")
    except ValueError:
        return BeadStatus.PENDING


def parse_score(value: str | float | None) -> float:
    """A score in [0, 1]; a missing or unreadable one means the pair is simply asserted (1.0)."""
    try:
        score = float(value) if value not in (None, "") else 1.0
    except (TypeError, ValueError):
        return 1.0
    return min(1.0, max(0.0, score)) if score == score else 1.0


def checked_meta(
    score: Any, status: Any, where: str, warnings: list[str] | None
) -> tuple[float, BeadStatus]:
    """Score and status of an imported row; an unreadable value is replaced, and said so."""
    parsed_score = parse_score(score)
    parsed_status = parse_status(status if isinstance(status, str) else None)
    if warnings is not None:
        if score not in (None, "") and _unreadable_score(score):
            warnings.append(f"{where}: score {score!r} is not a number in 0-1; kept as 1.0")
        if status not in (None, "") and parsed_status.value != str(status).strip():
            warnings.append(f"{where}: status {status!r} is unknown; kept as pending")
    return parsed_score, parsed_status


def _unreadable_score(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return True
    return not 0.0 <= number <= 1.0


def project_from_units(
    units: Iterable[Unit], src_lang: str, tgt_lang: str, path: str | None = None
) -> Project:
    """Build a project with one 1:1 bead per unit (an empty side becomes an empty bead side).

    Joined n:m texts stay joined: the original sentence split is not in the exchange file, and
    guessing it back would invent boundaries. Segments are laid out one per line so offsets stay
    meaningful (``text == original[start:end]`` for that imagined text).
    """
    src: list[Segment] = []
    tgt: list[Segment] = []
    drafts: list[Draft | None] = []
    beads: list[Bead] = []
    models: dict[str, None] = {}
    documents: dict[str, None] = {}
    for unit in units:
        src_ids = _add_segment(src, unit.source, unit.paragraph)
        tgt_ids = _add_segment(tgt, unit.target, unit.paragraph)
        model_id, _, fingerprint = unit.model.rpartition("@")
        if src_ids:
            draft = None
            if unit.origin is BeadOrigin.MT and unit.model:
                draft = Draft(unit.target, model_id or unit.model, fingerprint, IMPORT_ENGINE)
                models.setdefault(unit.model)
            drafts.append(draft)
        if unit.document:
            documents.setdefault(unit.document)
        beads.append(
            Bead(
                src_ids,
                tgt_ids,
                parse_score(unit.score),
                origin=unit.origin,
                status=unit.status,
                flags=unit.flags,
                note=unit.note,
                history=_history(unit),
            )
        )
    model = None
    if len(models) == 1:
        model_id, _, fingerprint = next(iter(models)).rpartition("@")
        model = ModelInfo(model_id, fingerprint, IMPORT_ENGINE)
    source_path = next(iter(documents)) if len(documents) == 1 else path
    return Project(
        source=Side(normalise_lang(src_lang), source_path, tuple(src)),
        target=Side(normalise_lang(tgt_lang), None, tuple(tgt)),
        drafts=tuple(drafts),
        beads=tuple(beads),
        model=model,
        tool_version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _history(unit: Unit) -> tuple[Edit, ...]:
    """Who last changed the unit in the tool it comes from, so provenance survives the trip."""
    if not (unit.changed_by or unit.changed_at):
        return ()
    return (Edit("import", unit.changed_by, unit.changed_at),)


def _add_segment(segments: list[Segment], text: str, paragraph: int | None) -> tuple[int, ...]:
    """A unit's text as one segment; its paragraph is the file's (``x-paragraph``), else its own."""
    if not text:
        return ()
    start = segments[-1].end + 1 if segments else 0
    para = len(segments) if paragraph is None else paragraph
    segments.append(Segment(len(segments), text, para, start, start + len(text)))
    return (len(segments) - 1,)


def summarise_warnings(warnings: Sequence[str], limit: int = 20) -> list[str]:
    """At most ``limit`` warnings plus one line counting the rest, so a big file stays readable."""
    shown = list(warnings[:limit])
    if len(warnings) > limit:
        shown.append(f"… and {len(warnings) - limit} more warnings")
    return shown
