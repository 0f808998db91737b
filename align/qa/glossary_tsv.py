"""Glossary TSV: ``zh<TAB>en[<TAB>forbidden;…][<TAB>note]``.

``en`` may list equally correct forms separated by ``|`` (the first is preferred, e.g.
``Shanghai Cooperation Organization|SCO``). Lines starting with ``#`` and a header line
starting with ``zh<TAB>`` are skipped.
"""

from __future__ import annotations

from pathlib import Path

from align.errors import InputError
from align.qa.glossary import Glossary, Term
from align.textio import atomic_writer, read_text


def parse_glossary_tsv(text: str, name: str = "glossary") -> Glossary:
    terms = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("zh\t"):
            continue
        cols = line.rstrip("\n").split("\t")
        zh = cols[0].strip()
        en = tuple(f.strip() for f in (cols[1] if len(cols) > 1 else "").split("|") if f.strip())
        if not zh or not en:
            raise InputError(
                f"{name}:{lineno}: expected zh<TAB>en[<TAB>forbidden;…][<TAB>note]; "
                "fix the line or comment it out with #"
            )
        forbidden = (
            tuple(f.strip() for f in cols[2].split(";") if f.strip()) if len(cols) > 2 else ()
        )
        note = "\t".join(cols[3:]).strip()
        terms.append(Term(zh, en, forbidden, note))
    if not terms:
        raise InputError(f"{name}: no glossary terms found; expected zh<TAB>en lines")
    return Glossary(tuple(terms))


def read_glossary_tsv(path: Path) -> Glossary:
    return parse_glossary_tsv(read_text(Path(path)).text, str(path))


def format_glossary_tsv(glossary: Glossary) -> str:
    lines = ["zh\ten\tforbidden\tnote"]
    for t in glossary.terms:
        lines.append("\t".join([t.zh, "|".join(t.en), ";".join(t.forbidden), t.note]).rstrip("\t"))
    return "\n".join(lines) + "\n"


def write_glossary_tsv(path: Path, glossary: Glossary) -> None:
    with atomic_writer(Path(path)) as fh:
        fh.write(format_glossary_tsv(glossary))
