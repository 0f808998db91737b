"""Opening translation memories (the I/O edge): read a file or folder, index it once, cache it.

A memory is a TMX file, a bitext project (``NAME.bitext.json``), any file ``bitext import``
reads (JSONL, TSV, XLIFF), or a folder of them (a corpus). From a project only pairs a human
made or checked count: aligned reference translations, memory matches, edited or accepted
beads; an unreviewed machine draft would only teach the memory its own mistakes.

The index (``align.tm_index``) is keyed by the memory's content (SHA-256 of its bytes, the
target language and the index version), so an edited memory gets a new index and an unchanged
one is never indexed twice.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError
from align.formats.units import lang_matches
from align.model import BeadOrigin, BeadStatus, Project
from align.tm_index import INDEX_VERSION, MemoryIndex, index_units

SUFFIXES = (".tmx", ".json", ".jsonl", ".tsv", ".xliff", ".xlf")
_FORMATS = {".tmx": "tmx", ".json": "json", ".jsonl": "jsonl", ".tsv": "tsv"}
_FORMATS |= {".xliff": "xliff", ".xlf": "xliff"}


@dataclass(frozen=True)
class MemoryUnits:
    """A memory's pairs in memory order; ``documents[i]`` numbers the file unit i came from."""

    sources: list[str]
    targets: list[str]
    documents: list[int]


def memory_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            raise InputError(
                f"{path}: no memory files in this folder (TMX, .bitext.json, JSONL, TSV, XLIFF)"
            )
        return files
    if not path.exists():
        raise InputError(f"{path}: no such memory; give a TMX file, a bitext project or a folder")
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"{path}: not a memory bitext reads; give a .tmx, .bitext.json, .jsonl, .tsv or .xliff"
        )
    return [path]


def read_memory(path: Path, tgt_lang: str = "en") -> MemoryUnits:
    """Every usable Chinese → ``tgt_lang`` pair of the memory at ``path``."""
    units = MemoryUnits([], [], [])
    for number, file in enumerate(memory_files(path)):
        for source, target in _file_pairs(file, tgt_lang):
            units.sources.append(source)
            units.targets.append(target)
            units.documents.append(number)
    if not units.sources:
        raise InputError(f"{path}: no usable zh → {tgt_lang} units in this memory; check it")
    return units


def _file_pairs(path: Path, tgt_lang: str) -> list[tuple[str, str]]:
    fmt = _FORMATS[path.suffix.lower()]
    if fmt == "tmx":
        from align.formats.tmx import read_tm_pairs

        return read_tm_pairs(path, "zh", tgt_lang)
    from align.formats.exporters import import_file

    project = import_file(fmt, path, src_lang="zh", tgt_lang=tgt_lang)
    if not lang_matches("zh", project.source.lang) or not lang_matches(
        tgt_lang, project.target.lang
    ):
        raise InputError(
            f"{path}: a {project.source.lang} → {project.target.lang} memory; --tm needs "
            f"zh → {tgt_lang} (check --tgt-lang or drop this memory)"
        )
    return project_pairs(project)


def project_pairs(project: Project) -> list[tuple[str, str]]:
    """Pairs a human made or checked (see the module docstring), in bead order."""
    pairs = []
    for bead in project.beads:
        if bead.status is BeadStatus.REJECTED:
            continue
        if bead.origin is BeadOrigin.MT and bead.status is BeadStatus.PENDING:
            continue  # an unchecked machine draft
        source, target = project.source_text(bead), project.target_text(bead)
        if source.strip() and target.strip():
            pairs.append((source, target))
    return pairs


def memory_digest(path: Path, tgt_lang: str) -> str:
    from align.review.journal import journal_path

    digest = hashlib.sha256(f"bitext-tm/{INDEX_VERSION}/{tgt_lang}".encode())
    for file in memory_files(path):
        digest.update(file.name.encode("utf-8") + b"\0")
        # a project's review journal holds decisions not yet folded in (a review open, or
        # killed): they are part of the memory, so a new decision means a new index
        for part in (file, journal_path(file)):
            if part is file or part.is_file():
                with part.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
    return digest.hexdigest()


def open_memory(
    path: Path, tgt_lang: str = "en", on_build: Callable[[str], None] | None = None
) -> MemoryIndex:
    """The memory's index: from the cache, or built now (``on_build`` is told) and cached."""
    from align.cachedir import cache_root

    path = Path(path)
    folder = cache_root() / "tm" / memory_digest(path, tgt_lang)[:32]
    found = MemoryIndex.load(folder, path.name)
    if found is not None:
        return found
    if folder.exists():  # damaged or from another bitext: rebuilt, never trusted
        shutil.rmtree(folder, ignore_errors=True)
    units = read_memory(path, tgt_lang)
    if on_build is not None:
        on_build(f"{path}: indexing {len(units.sources):,} units (once; kept in the cache)")
    index = index_units(path.name, units.sources, units.targets, units.documents)
    index.digest = folder.name
    try:
        index.save(folder)
    except OSError:  # a read-only cache costs speed next time, never the run
        pass
    return index


def open_memories(
    paths: list[Path], tgt_lang: str = "en", on_build: Callable[[str], None] | None = None
) -> tuple[MemoryIndex, ...]:
    """Each memory's index; two memories may not share a name (matches say where they came from)."""
    opened = tuple(open_memory(p, tgt_lang, on_build) for p in paths)
    names = [m.name for m in opened]
    for name in names:
        if names.count(name) > 1:
            raise InputError(
                f"two memories are both called {name}; rename one so that every match says "
                "which memory it came from"
            )
    return opened
