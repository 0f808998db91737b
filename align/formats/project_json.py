"""The ``bitext-project/1`` JSON file: the single source of truth every command reads and writes."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from align.errors import InputError
from align.model import (
    Bead,
    BeadOrigin,
    BeadStatus,
    DecodingSettings,
    Draft,
    Edit,
    ModelInfo,
    Project,
    Segment,
    SegmentKind,
    Side,
    TmMatch,
)
from align.textio import atomic_writer

FORMAT = "bitext-project/1"
# Plain dict lookups: calling an Enum class is ~2 µs, and a big project has 100,000s of values.
_KINDS = {k.value: k for k in SegmentKind}
_STATUSES = {s.value: s for s in BeadStatus}
_ORIGINS = {o.value: o for o in BeadOrigin}


def project_to_dict(project: Project) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "tool": {"name": "bitext", "version": project.tool_version},
        "created": project.created,
        "model": None if project.model is None else vars(project.model).copy(),
        "source": side_to_dict(project.source),
        "target": side_to_dict(project.target),
        "drafts": [None if d is None else _draft_to_dict(d) for d in project.drafts],
        "beads": [_bead_to_dict(b) for b in project.beads],
    }
    if project.input_hash:  # only batch projects carry one; others stay as they were
        data["input_hash"] = project.input_hash
    return data


def side_to_dict(side: Side) -> dict[str, Any]:
    return {
        "lang": side.lang,
        "path": side.path,
        "segments": [
            {
                "id": s.id,
                "text": s.text,
                "paragraph": s.paragraph,
                "start": s.start,
                "end": s.end,
                "kind": s.kind.value,
                "markup": s.markup,
            }
            for s in side.segments
        ],
    }


def _draft_to_dict(draft: Draft) -> dict[str, Any]:
    return {
        "text": draft.text,
        "model": draft.model,
        "fingerprint": draft.fingerprint,
        "engine": draft.engine,
        "settings": {
            "beam": draft.settings.beam,
            "max_length": draft.settings.max_length,
            "batch_size": draft.settings.batch_size,
        },
        "flags": list(draft.flags),
        **({"matches": [_match_to_dict(m) for m in draft.matches]} if draft.matches else {}),
    }


def _match_to_dict(match: TmMatch) -> dict[str, Any]:
    return {
        "source": match.source,
        "target": match.target,
        "percent": match.percent,
        "memory": match.memory,
        "repairs": list(match.repairs),
    }


def _bead_to_dict(bead: Bead) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": list(bead.source),
        "target": list(bead.target),
        "score": round(bead.score, 4),
        "status": bead.status.value,
        "origin": bead.origin.value,
        "flags": list(bead.flags),
        "note": bead.note,
        "text": bead.text,
        "history": [vars(e).copy() for e in bead.history],
    }
    if bead.source_text is not None:  # written only when set: files without one stay as they were
        data["source_text"] = bead.source_text
    return data


def check_format(data: object, name: str = "project") -> None:
    """Refuse anything but ``bitext-project/1`` with advice; never guess at another layout.

    A file from an older bitext needs converting, one from a newer bitext needs a newer bitext;
    reading either as version 1 could silently drop or misread fields.
    """
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt == FORMAT:
        return
    if fmt is None:
        raise InputError(f'{name}: not a bitext project (no "format": {FORMAT!r} field)')
    family, _, version = str(fmt).partition("/")
    if family != "bitext-project" or not version.isdigit():
        raise InputError(f"{name}: format {fmt!r} is not a bitext project; expected {FORMAT}")
    if int(version) < 1:
        raise InputError(
            f"{name}: format {fmt} comes from an older bitext; this bitext reads only {FORMAT} "
            "(run bitext again on the source document to rebuild the project)"
        )
    raise InputError(
        f"{name}: format {fmt} comes from a newer bitext; this bitext reads only {FORMAT} "
        "(upgrade bitext with pip install -U bitext)"
    )


def project_from_dict(data: dict[str, Any], name: str = "project") -> Project:
    check_format(data, name)
    model = data.get("model")
    return Project(
        source=_side_from_dict(data["source"]),
        target=_side_from_dict(data["target"]),
        drafts=tuple(None if d is None else _draft_from_dict(d) for d in data["drafts"]),
        beads=tuple(_bead_from_dict(b) for b in data["beads"]),
        model=None if model is None else ModelInfo(**model),
        tool_version=data.get("tool", {}).get("version", ""),
        created=data.get("created", ""),
        input_hash=str(data.get("input_hash", "")),
    )


def _side_from_dict(data: dict[str, Any]) -> Side:
    return Side(
        lang=data["lang"],
        path=data.get("path"),
        segments=tuple(
            Segment(
                id=s["id"],
                text=s["text"],
                paragraph=s["paragraph"],
                start=s["start"],
                end=s["end"],
                kind=_KINDS.get(s.get("kind", "sentence")) or SegmentKind(s["kind"]),
                markup=s.get("markup", ""),
            )
            for s in data["segments"]
        ),
    )


def _draft_from_dict(data: dict[str, Any]) -> Draft:
    return Draft(
        text=data["text"],
        model=data["model"],
        fingerprint=data["fingerprint"],
        engine=data["engine"],
        settings=DecodingSettings(**data.get("settings", {})),
        flags=tuple(data.get("flags", ())),
        matches=tuple(_match_from_dict(m) for m in data.get("matches", ())),
    )


def _match_from_dict(data: dict[str, Any]) -> TmMatch:
    return TmMatch(
        source=data["source"],
        target=data["target"],
        percent=int(data["percent"]),
        memory=data["memory"],
        repairs=tuple(data.get("repairs", ())),
    )


def _bead_from_dict(data: dict[str, Any]) -> Bead:
    return Bead(
        source=tuple(data["source"]),
        target=tuple(data["target"]),
        score=float(data["score"]),
        status=_STATUSES.get(data.get("status", "pending")) or BeadStatus(data["status"]),
        origin=_ORIGINS.get(data.get("origin", "human")) or BeadOrigin(data["origin"]),
        flags=tuple(data.get("flags", ())),
        note=data.get("note", ""),
        text=data.get("text"),
        history=tuple(_edit_from_dict(e) for e in data.get("history", ())),
        source_text=data.get("source_text"),
    )


def _edit_from_dict(data: dict[str, Any]) -> Edit:
    return Edit(
        **{k: str(data[k]) for k in ("what", "who", "when", "before", "after") if k in data}
    )


def schema() -> dict[str, Any]:
    text = (
        resources.files("align")
        .joinpath("schema/bitext-project-1.schema.json")
        .read_text(encoding="utf-8")
    )
    return dict(json.loads(text))


@functools.cache
def _compiled_validator() -> Callable[[Any], Any]:
    """The schema compiled to Python once per process (a read-only resource, so cached).

    fastjsonschema checks a 100k-bead project in about 1.5 s where jsonschema takes over 30 s,
    which would make every command on a big project slow; the tests check both agree.
    """
    import fastjsonschema

    return fastjsonschema.compile(schema())


def validate(data: dict[str, Any]) -> None:
    """Raise ``InputError`` if ``data`` does not match the published schema."""
    import fastjsonschema

    try:
        _compiled_validator()(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        where = "/".join(str(p) for p in exc.path[1:]) or "(top level)"
        message = exc.message.split(" ", 1)[1] if exc.message.startswith("data") else exc.message
        raise InputError(
            f"project is not valid {FORMAT} at {where}: {message}; fix that field or re-create "
            "the project"
        ) from exc


def write_project(path: Path, project: Project) -> None:
    with atomic_writer(path) as fh:
        json.dump(project_to_dict(project), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def read_project(path: Path) -> Project:
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a project file (NAME.bitext.json)")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such project file; check the path") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{path}: not a bitext project (not readable JSON: {exc}); give a NAME.bitext.json "
            "(a translation memory becomes one with bitext import)"
        ) from exc
    check_format(data, str(path))
    validate(data)
    project = project_from_dict(data, str(path))
    check_consistent(project, str(path))
    return project


def check_consistent(project: Project, name: str) -> None:
    """What the schema cannot say: beads point at real segments, each segment in one bead.

    A hand-edited or damaged file that breaks this would otherwise fail later, mid-command.
    """
    damaged = f"{name}: damaged project"
    n_src = len(project.source.segments)
    if len(project.drafts) not in (0, n_src):
        raise InputError(
            f"{damaged}: {len(project.drafts)} drafts for {n_src} source segments; "
            "re-create it with bitext run, draft or align"
        )
    _check_side(damaged, "source", n_src, [b.source for b in project.beads])
    _check_side(damaged, "target", len(project.target.segments), [b.target for b in project.beads])
    for k, bead in enumerate(project.beads):
        if not math.isfinite(bead.score):
            raise InputError(f"{damaged}: bead {k} has score {bead.score}; scores are 0 to 1")


def _check_side(damaged: str, side: str, count: int, beads: list[tuple[int, ...]]) -> None:
    seen: set[int] = set()
    for k, ids in enumerate(beads):
        for i in ids:
            if not 0 <= i < count:
                raise InputError(
                    f"{damaged}: bead {k} points at {side} segment {i}, but there are {count}; "
                    "re-create it or restore a backup"
                )
            if i in seen:
                raise InputError(
                    f"{damaged}: {side} segment {i} is in two beads (the second is bead {k}); "
                    "re-create it or restore a backup"
                )
            seen.add(i)
