"""Which documents make up a corpus: pairs found by name, by folder, or listed in a manifest.

Pairing never guesses: a name with two Chinese (or two English) files, an English file with no
Chinese one, a manifest line naming a missing file all become one line in ``problems`` and the
pair is left out, while every unambiguous pair goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from align.batch import DocPair
from align.errors import InputError

# X.zh.md, X.zh-CN.txt, X.en.docx: a language tag before the last extension.
_TAGGED = re.compile(r"(?P<stem>.+)\.(?P<tag>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\.[^.]+")
_ZH_TAGS = {"zh", "cn", "chs", "cht", "chi", "zho"}
_EN_TAGS = {"en", "eng"}
# bitext's own outputs, which may sit in the input folder (``bitext batch docs -o docs``).
_OUTPUTS = (".bitext.json", ".tmx", ".jsonl", ".csv", ".journal", ".lock")
HEADER = ("zh_path", "zh")


@dataclass(frozen=True)
class Found:
    """The pairs to process (sorted by id) and the files or lines that could not be paired."""

    pairs: tuple[DocPair, ...]
    problems: tuple[str, ...] = ()


@dataclass
class _Group:
    zh: list[Path] = field(default_factory=list)
    en: list[Path] = field(default_factory=list)


def find_documents(source: Path, exclude: Path | None = None) -> Found:
    """Pairs in a folder (``X.zh.*``/``X.en.*``, or ``zh/`` and ``en/``) or a manifest file."""
    if source.is_file():
        return read_manifest(source)
    if not source.is_dir():
        raise InputError(f"{source}: no such folder or manifest; check the path")
    if (source / "zh").is_dir():
        groups = _by_folder(source, exclude)
    else:
        groups = _by_tag(source, exclude)
    found = _pair(groups)
    if not found.pairs and not found.problems:
        raise InputError(
            f"{source}: no documents found; name them X.zh.md and X.en.md, put them in zh/ and "
            "en/ folders with the same names, or give a manifest (zh_path<TAB>en_path[<TAB>id])"
        )
    return found


def _files(folder: Path, exclude: Path | None) -> Iterable[Path]:
    skip = os.path.realpath(exclude) if exclude is not None else None
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) != skip
        )
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(_OUTPUTS):
                yield Path(root) / name


def _lang(tag: str) -> str | None:
    base = tag.replace("_", "-").split("-")[0].lower()
    return "zh" if base in _ZH_TAGS else "en" if base in _EN_TAGS else None


def _by_tag(folder: Path, exclude: Path | None) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for path in _files(folder, exclude):
        match = _TAGGED.fullmatch(path.name)
        lang = _lang(match["tag"]) if match else None
        if match is None or lang is None:
            continue  # not a tagged document (a README, a file in another language)
        key = (PurePosixPath(path.relative_to(folder).parent) / match["stem"]).as_posix()
        group = groups.setdefault(key, _Group())
        (group.zh if lang == "zh" else group.en).append(path)
    return groups


def _by_folder(folder: Path, exclude: Path | None) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for lang in ("zh", "en"):
        side = folder / lang
        if not side.is_dir():
            continue
        for path in _files(side, exclude):
            match = _TAGGED.fullmatch(path.name)
            stem = match["stem"] if match and _lang(match["tag"]) == lang else path.stem
            key = (PurePosixPath(path.relative_to(side).parent) / stem).as_posix()
            group = groups.setdefault(key, _Group())
            (group.zh if lang == "zh" else group.en).append(path)
    return groups


def _pair(groups: dict[str, _Group]) -> Found:
    pairs: list[DocPair] = []
    problems: list[str] = []
    for key in sorted(groups):
        group = groups[key]
        if len(group.zh) > 1 or len(group.en) > 1:
            names = ", ".join(p.name for p in [*group.zh, *group.en])
            problems.append(
                f"{key}: ambiguous ({names}); keep one Chinese and one English file per name, "
                "or list the pairs in a manifest"
            )
        elif not group.zh:
            problems.append(
                f"{key}: {group.en[0]} has no Chinese original; add it or move the file away"
            )
        else:
            en = str(group.en[0].resolve()) if group.en else None
            pairs.append(DocPair(key, str(group.zh[0].resolve()), en))
    return Found(tuple(pairs), tuple(problems))


def read_manifest(path: Path) -> Found:
    """``zh_path<TAB>en_path[<TAB>id]`` per line (paths relative to the manifest's folder).

    An empty ``en_path`` means the Chinese document is drafted only; ``#`` starts a comment.
    """
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the manifest ({exc}); give a UTF-8 TSV") from exc
    pairs: dict[str, DocPair] = {}
    lines_of: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        fields = [f.strip() for f in line.split("\t")]
        if not fields[0] or fields[0].startswith("#") or fields[0].lower() in HEADER:
            continue
        where = f"{path}:{number}"
        try:
            pair = _manifest_pair(path.parent, fields, where)
        except InputError as exc:
            problems.append(str(exc))
            continue
        if pair.id in pairs:
            problems.append(
                f"{where}: id {pair.id!r} is on line {lines_of[pair.id]} too; give each "
                "document its own id in the third column"
            )
            continue
        pairs[pair.id], lines_of[pair.id] = pair, number
    if not pairs and not problems:
        raise InputError(f"{path}: the manifest lists no documents (zh_path<TAB>en_path[<TAB>id])")
    return Found(tuple(pairs[k] for k in sorted(pairs)), tuple(problems))


def _manifest_pair(folder: Path, fields: list[str], where: str) -> DocPair:
    if len(fields) > 3:
        raise InputError(f"{where}: {len(fields)} columns; give zh_path<TAB>en_path[<TAB>id]")
    zh = _existing(folder, fields[0], where)
    en = _existing(folder, fields[1], where) if len(fields) > 1 and fields[1] else None
    ident = fields[2] if len(fields) > 2 and fields[2] else _default_id(zh)
    check_id(ident, where)
    return DocPair(ident, str(zh), None if en is None else str(en))


def _existing(folder: Path, name: str, where: str) -> Path:
    path = (folder / name).resolve()
    if not path.is_file():
        raise InputError(f"{where}: no such file {name}; fix the path (relative to the manifest)")
    return path


def _default_id(path: Path) -> str:
    match = _TAGGED.fullmatch(path.name)
    return match["stem"] if match and _lang(match["tag"]) == "zh" else path.stem


def check_id(ident: str, where: str) -> None:
    """An id names the output project, so it must stay inside the output folder."""
    parts = PurePosixPath(ident).parts
    if not parts or ident.startswith("/") or ".." in parts or "\\" in ident:
        raise InputError(f"{where}: id {ident!r} is not a relative name; give a plain one")
