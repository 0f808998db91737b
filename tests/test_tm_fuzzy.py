"""Memory that pays back: fuzzy matches, repair, the cached index, concordance and terms."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.formats.project_json import project_to_dict, read_project, validate, write_project
from align.fuzzy import NUMBER_PENALTY, repair, similarity
from align.memory import open_memory, project_pairs
from align.model import BeadOrigin, BeadStatus, Draft, TmMatch
from align.qa.glossary import Glossary, Term
from align.qa.glossary_tsv import parse_glossary_tsv, read_glossary_tsv
from align.review import ops
from align.review.session import Action, apply, start
from align.review.stats import bead_match, bead_row
from align.terms import term_candidates
from align.tm import match_segments
from align.tm_index import index_units
from cli.app import app
from tests import memory_doc as doc


def memory():  # type: ignore[no-untyped-def]
    return index_units("memory.tmx", doc.ZH, doc.EN)


def test_similarity_is_levenshtein_percent_of_the_longer() -> None:
    assert similarity("会议在北京举行。", "会议在北京举行。") == 100
    # one character of 8 replaced: 1 - 1/8 = 87.5 → 87 (floored, never rounded up to 100)
    assert similarity("会议在上海举行。", "会议在北京举行。") == 75
    assert similarity("会议在北京举行。", "会议在北京举行") == 87
    assert similarity("甲" * 200, "甲" * 199 + "乙") == 99
    assert similarity("", "会议") == 0


def test_repair_dates_numbers_and_terms() -> None:
    src = "会议于2002年11月23日在莫斯科举行。"
    en = "The meeting was held in Moscow on 23 November 2002."
    fixed = repair("会议于2003年12月5日在莫斯科举行。", src, en)
    assert fixed.target == "The meeting was held in Moscow on 5 December 2003."
    assert fixed.repairs == ("date 2002年11月23日→2003年12月5日",) and fixed.ok
    us = repair("会议于2002年12月5日在莫斯科举行。", src, "Held on November 23, 2002.")
    assert us.target == "Held on December 5, 2002."
    assert repair(
        "贸易额达1,500亿美元。", "贸易额达1,200亿美元。", "Trade: 120 billion."
    ).target == ("Trade: 150 billion.")
    assert repair("第五次会议", "第四次会议", "the fourth meeting").target == "the fifth meeting"
    terms = Glossary((Term("北京", ("Beijing",)), Term("莫斯科", ("Moscow",))))
    moved = repair("会议在北京举行。", "会议在莫斯科举行。", "It met in Moscow.", terms)
    assert moved.target == "It met in Beijing." and moved.repairs == ("term 莫斯科→北京",)
    # without the glossary a name is just text: offered as is, no penalty
    assert repair("会议在北京举行。", "会议在莫斯科举行。", "It met in Moscow.") == repair(
        "x", "x", "It met in Moscow."
    )


def test_repair_refuses_what_it_cannot_place() -> None:
    # the English has no 2002 to rewrite: offered unrepaired, and the number counts against it
    fixed = repair("2003年会议", "2002年会议", "The meeting last year.")
    assert fixed.target == "The meeting last year." and fixed.unrepaired == 1
    # 2002 twice in the English but once in the Chinese: ambiguous, so not touched
    twice = repair("2003年会议", "2002年会议", "In 2002, the 2002 meeting.")
    assert twice.target == "In 2002, the 2002 meeting." and not twice.ok
    # other words changed besides the number: not a placeable-only difference
    both = repair("六国外长开会", "七国元首开会", "Seven heads of state met.")
    assert both.target == "Seven heads of state met." and both.unrepaired == 1


def test_changed_document_gets_exact_repaired_and_no_matches() -> None:
    """The issue's target: five sentences changed in a document its memory translated."""
    found = match_segments(doc.CHANGED, [memory()])
    changed = {doc.DATE, doc.NUMBER, doc.NAME, doc.WORD, doc.REWRITTEN}
    for i, matches in enumerate(found):
        if i not in changed:
            assert matches[0].percent in (100, 101) and matches[0].target == doc.EN[i]
    for i, english in doc.EXPECTED_REPAIRS.items():
        best = found[i][0]
        assert 75 <= best.percent < 100 and best.repaired and best.target == english
    for i in (doc.NAME, doc.WORD):  # words and names (no glossary): fuzzy, offered as is
        assert 75 <= found[i][0].percent < 100 and found[i][0].target == doc.EN[i]
        assert not found[i][0].repaired
    assert found[doc.REWRITTEN] == ()
    # with the glossary the name is a term and is repaired as well
    glossary = parse_glossary_tsv(doc.GLOSSARY_TSV)
    named = match_segments(doc.CHANGED, [memory()], glossary=glossary)[doc.NAME][0]
    assert named.target == doc.NAME_REPAIRED and named.repairs == ("term 东盟→欧盟",)


def test_context_match_is_101_and_needs_both_neighbours() -> None:
    found = match_segments(doc.ZH, [memory()])
    assert [m[0].percent for m in found] == [101] * len(doc.ZH)
    moved = [doc.ZH[1], doc.ZH[0], *doc.ZH[2:]]
    assert [m[0].percent for m in match_segments(moved, [memory()])][:3] == [100, 100, 100]


def test_unrepaired_number_costs_points_and_threshold_applies() -> None:
    mem = index_units(
        "m", ["会议于2002年举行，六国外长出席了会议。"], ["In 2002 six ministers met."]
    )
    plain = similarity(
        "会议于2003年举行，六国外长出席了会议。", "会议于2002年举行，六国外长出席了会议。"
    )
    found = match_segments(["会议于2003年举行，六国外长出席了会议。"], [mem])[0]
    assert found[0].percent == plain and found[0].repaired  # 2002 → 2003 repaired: no penalty
    unfixable = index_units("m", ["会议于2002年举行，六国外长出席了会议。"], ["Ministers met."])
    worse = match_segments(["会议于2003年举行，六国外长出席了会议。"], [unfixable])[0]
    assert worse[0].percent == plain - NUMBER_PENALTY and not worse[0].repaired
    assert match_segments(["会议于2003年举行，六国外长出席了会议。"], [mem], threshold=100) == [()]


def test_index_exact_fuzzy_and_concordance() -> None:
    mem = memory()
    assert mem.exact(doc.ZH[3]) == [3] and mem.exact("不在记忆里") == []
    hits = mem.fuzzy(doc.CHANGED[doc.WORD], 75)
    assert hits[0].unit == doc.WORD and hits[0].source == doc.ZH[doc.WORD]
    count, lines = mem.search("本组织")
    assert count == sum("本组织" in z for z in doc.ZH) and lines[0].side == "source"
    assert doc.ZH[lines[0].unit][lines[0].start : lines[0].end] == "本组织"
    assert mem.search("外")[0] == sum("外" in z for z in doc.ZH)  # one character
    assert mem.search("organization")[0] == sum("Organization" in e for e in doc.EN)
    assert mem.search("ministers of the six")[0] == 1
    assert mem.search("minister*")[0] == sum("inisters" in e for e in doc.EN)
    assert mem.search("ministers six")[0] == 0  # a phrase is words in order
    assert mem.search("“Korean”")[0] == 1  # punctuation around the query is ignored


def test_index_is_built_once_and_reused_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    tmx = write_memory_tmx(tmp_path)
    built: list[str] = []
    first = open_memory(tmx, "en", built.append)
    second = open_memory(tmx, "en", built.append)
    assert len(built) == 1 and "12 units" in built[0]
    assert second.digest == first.digest and len(second) == 12
    assert second.target(4) == doc.EN[4]
    folders = list((tmp_path / "cache" / "tm").iterdir())
    assert [f.name for f in folders] == [first.digest]  # no temporary folder left behind
    (folders[0] / "gram_ids.npy").write_bytes(b"damaged")  # a damaged cache is rebuilt
    assert len(open_memory(tmx, "en", built.append)) == 12 and len(built) == 2
    assert open_memory(tmx, "en", built.append).digest == first.digest and len(built) == 2
    tmx.write_text(tmx.read_text(encoding="utf-8").replace("Moscow", "Moskva"), encoding="utf-8")
    assert open_memory(tmx, "en", built.append).digest != first.digest  # edited: re-indexed


def test_matches_round_trip_through_the_project_file(tmp_path: Path) -> None:
    from tests.review_projects import reference_project

    project = reference_project()
    match = TmMatch("源", "Target", 87, "m.tmx", ("date 2002年→2003年",))
    draft = Draft("MT", "model", "fp", "hf", matches=(match,))
    project = replace(project, drafts=(draft, *project.drafts[1:]))
    data = project_to_dict(project)
    validate(data)
    assert "matches" not in data["drafts"][1]  # old shape kept when there is nothing to add
    path = tmp_path / "p.bitext.json"
    write_project(path, project)
    assert read_project(path).drafts[0] == draft


def test_taking_a_match_is_a_journaled_tm_decision() -> None:
    from tests.review_projects import reference_project

    project = reference_project()
    match = TmMatch(project.source.segments[0].text, "From memory.", 90, "m.tmx")
    draft = Draft("MT", "model", "fp", "hf", matches=(match,))
    project = replace(project, drafts=(draft, *project.drafts[1:]))
    bead = project.beads[0]
    assert bead.source == (0,) and bead_match(project, bead) == match
    assert bead_row(project, 0)["tm_percent"] == 90
    state = apply(start(project, (0, 1)), Action("take", bead=0, text=match.target, who="me"))
    taken = state.project.beads[0]
    assert (taken.text, taken.origin, taken.status) == (
        "From memory.",
        BeadOrigin.TM,
        BeadStatus.EDITED,
    )
    assert taken.history[-1].what == "take" and state.cursor == 0  # stays to be adjusted
    assert apply(state, Action("undo")).project == project
    with pytest.raises(Exception, match="empty"):
        ops.take_match(project, 0, " ")


def write_memory_tmx(folder: Path, name: str = "memory.tmx") -> Path:
    from align.formats.tmx import write_tmx_units
    from align.formats.units import Unit

    path = folder / name
    units = [Unit(i + 1, z, e) for i, (z, e) in enumerate(zip(doc.ZH, doc.EN, strict=True))]
    write_tmx_units(path, units, src_lang="zh-CN", tgt_lang="en")
    return path


def bitext(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    (tmp_path / "old.zh.txt").write_text(doc.document(doc.ZH), encoding="utf-8")
    (tmp_path / "old.en.txt").write_text(doc.document(doc.EN), encoding="utf-8")
    (tmp_path / "new.zh.txt").write_text(doc.document(doc.CHANGED), encoding="utf-8")
    (tmp_path / "glossary.tsv").write_text(doc.GLOSSARY_TSV, encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_draft_with_a_memory_aligned_from_a_document(documents: Path, tiny_model: Path) -> None:
    """bitext align makes the memory; bitext draft --tm uses it on next year's communiqué."""
    d = documents
    aligned = bitext(["align", d / "old.zh.txt", d / "old.en.txt", "-o", d / "mem.bitext.json"])
    assert aligned.exit_code == 0, aligned.output
    args = ["draft", d / "new.zh.txt", "-o", d / "new.bitext.json", "--tm", d / "mem.bitext.json"]
    result = bitext(
        [*args, "--model", tiny_model, "--beam", "1", "--max-length", "8", "--json", "-q"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["tm_exact"], summary["tm_fuzzy"]) == (len(doc.ZH) - 5, 4)
    project = read_project(d / "new.bitext.json")
    origins = [b.origin for b in project.beads]
    changed = {doc.DATE, doc.NUMBER, doc.NAME, doc.WORD, doc.REWRITTEN}
    assert [i for i, o in enumerate(origins) if o is BeadOrigin.TM] == [
        i for i in range(len(doc.ZH)) if i not in changed
    ]
    for i, english in doc.EXPECTED_REPAIRS.items():
        draft = project.drafts[i]
        assert draft is not None and draft.engine != "tm"  # the MT draft stays the draft
        assert draft.matches[0].target == english and draft.matches[0].repaired
        assert draft.matches[0].memory == "mem.bitext.json"
    rewritten = project.drafts[doc.REWRITTEN]
    assert rewritten is not None and rewritten.matches == ()
    listed = bitext(["review", d / "new.bitext.json", "--json"])
    rows = {row["id"] - 1: row for row in json.loads(listed.stdout)}
    assert rows[doc.DATE]["tm_percent"] == project.drafts[doc.DATE].matches[0].percent  # type: ignore[union-attr]
    assert rows[doc.REWRITTEN]["tm_percent"] is None


@pytest.mark.slow
def test_run_with_two_memories_threshold_and_glossary(documents: Path, tiny_model: Path) -> None:
    d = documents
    tmx = write_memory_tmx(d)
    other = write_memory_tmx(d, "other.tmx")
    args = ["run", d / "new.zh.txt", "-o", d / "out", "--tm", tmx, "--tm", other]
    args += ["--tm-threshold", "90", "-g", d / "glossary.tsv"]
    result = bitext([*args, "--model", tiny_model, "--beam", "1", "--max-length", "8", "-q"])
    assert result.exit_code == 0, result.output
    project = read_project(d / "out" / "new.bitext.json")
    name = project.drafts[doc.NAME]
    assert name is not None and name.matches[0].target == doc.NAME_REPAIRED
    assert name.matches[0].memory == "memory.tmx"  # the first memory wins ties
    word = project.drafts[doc.WORD]  # 85%: under --tm-threshold 90
    assert word is not None and word.matches == ()


def test_tm_search_prints_keyword_in_context(tmp_path: Path) -> None:
    tmx = write_memory_tmx(tmp_path)
    result = bitext(["tm", "search", "外交部长", "--tm", tmx, "-q"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and all("外交部长" in line and "‖" in line for line in lines)
    assert lines[0].startswith("memory.tmx:1")
    as_json = json.loads(bitext(["tm", "search", "Central Asia", "--tm", tmx, "--json"]).stdout)
    assert [(h["unit"], h["side"]) for h in as_json] == [(9, "target")]
    hit = as_json[0]
    assert hit["target"][hit["start"] : hit["end"]] == "Central Asia"


def test_terms_writes_a_glossary_qa_reads(tmp_path: Path) -> None:
    tmx = write_memory_tmx(tmp_path)
    out = tmp_path / "terms.tsv"
    result = bitext(["terms", tmx, "-o", out, "--min-count", "2", "-q"])
    assert result.exit_code == 0, result.output
    glossary = read_glossary_tsv(out)
    found = {t.zh: t.en[0] for t in glossary.terms}
    assert found["部长们"].lower() == "ministers"
    assert found["本组织"] == "Organization"
    assert all("units" in t.note and " = " in t.note for t in glossary.terms)
    pairs = list(zip(doc.ZH, doc.EN, strict=True))
    assert term_candidates(pairs, min_count=2)[0].units >= 2


def test_project_memory_keeps_human_and_checked_pairs_only() -> None:
    from tests.review_projects import mt_project, reference_project

    reference = reference_project()
    assert len(project_pairs(reference)) == len(reference.beads)  # human translations
    drafts = mt_project()
    assert project_pairs(drafts) == []  # unchecked machine drafts teach nothing
    checked = ops.accept(ops.reject(drafts, 1), 0)
    assert project_pairs(checked) == [
        (drafts.source.segments[0].text, drafts.target.segments[0].text)
    ]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "XML"),  # empty file
        ("<tmx><body><tu>", "XML"),  # damaged
        (
            '<tmx version="1.4"><header srclang="fr"/><body><tu><tuv xml:lang="fr"><seg>oui'
            '</seg></tuv><tuv xml:lang="de"><seg>ja</seg></tuv></tu></body></tmx>',
            "zh",
        ),  # other languages
    ],
)
def test_bad_memories_are_one_line_errors(tmp_path: Path, content: str, words: str) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(content, encoding="utf-8")
    (tmp_path / "doc.zh.txt").write_text(doc.document(doc.ZH), encoding="utf-8")
    for args in (
        ["draft", tmp_path / "doc.zh.txt", "-o", tmp_path / "p.json", "--tm", bad],
        ["tm", "search", "会议", "--tm", bad],
        ["terms", bad],
    ):
        result = bitext(args)
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "bad.tmx" in lines[0] and words in lines[0], lines
        if args[0] == "terms":  # it takes memories as arguments: no advice about --tm
            assert "--tm" not in lines[0], lines


def test_other_language_project_and_missing_memory(tmp_path: Path) -> None:
    from tests.review_projects import reference_project

    project = reference_project()
    flipped = replace(project, source=project.target, target=project.source)
    write_project(tmp_path / "en-zh.bitext.json", flipped)
    result = bitext(["tm", "search", "会议", "--tm", tmp_path / "en-zh.bitext.json"])
    assert result.exit_code == 1 and "zh" in result.output and len(result.output.splitlines()) == 1
    result = bitext(["tm", "search", "会议", "--tm", tmp_path / "nothing.tmx"])
    assert result.exit_code == 1 and "no such memory" in result.output


@pytest.mark.parametrize("value", ["49", "101", "x"])
def test_threshold_out_of_range_is_a_usage_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "doc.zh.txt").write_text(doc.document(doc.ZH), encoding="utf-8")
    tmx = write_memory_tmx(tmp_path)
    for command in (
        ["run", tmp_path / "doc.zh.txt"],
        ["draft", tmp_path / "doc.zh.txt", "-o", tmp_path / "p.json"],
    ):
        result = bitext([*command, "--tm", tmx, "--tm-threshold", value])
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1 and "--tm-threshold" in result.output


def test_a_project_memory_holds_the_decisions_still_in_its_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After kill -9 of a review (or while it is open) its decisions live in PROJECT.journal:
    `--tm`, `tm search` and `terms` read the project file alone and found no usable unit (every
    bead an unreviewed draft); each journaled decision is a new index, not the cached one."""
    from align.review.journal import Recorder, _digest
    from tests.review_projects import mt_project, write

    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path, mt_project())
    search = ["tm", "search", "ZEBRA", "--tm", str(path), "--json"]
    assert CliRunner().invoke(app, search).exit_code == 1  # no human work yet
    recorder = Recorder(path, start(read_project(path), ()), _digest(path))
    recorder.do(Action("edit", bead=0, text="The ZEBRA meeting.", who="ann"))
    first = open_memory(path, "en")
    assert len(first) == 1 and first.target(0) == "The ZEBRA meeting."
    recorder.do(Action("accept", bead=1, who="ann"))
    second = open_memory(path, "en")
    assert len(second) == 2 and second.digest != first.digest
    found = CliRunner().invoke(app, search)
    assert found.exit_code == 0, found.output
    assert [hit["target"] for hit in json.loads(found.stdout)] == ["The ZEBRA meeting."]
