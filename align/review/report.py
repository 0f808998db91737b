"""A static, self-contained HTML review report: what a reviewer would rather look at than read.

One file, no scripts, no external resources: a summary, an SVG of the alignment path (source
index against target index, one mark per bead, coloured by confidence) and a side-by-side
table. Every piece of project text goes through ``html.escape``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from align.model import Bead, Project
from align.review.stats import (
    band,
    bead_post_edit_distance,
    draft_text,
    flags,
    has_reference,
    summarize,
)
from align.textio import write_text_atomic

COLOURS = {"high": "#2e7d32", "medium": "#ef6c00", "low": "#c62828"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",
 "WenQuanYi Micro Hei",sans-serif;margin:1.5rem;color:#222;background:#fafafa}
h1{font-size:1.4rem;margin:0 0 .3rem}
.meta{color:#555;margin:.2rem 0 1rem}
.top{display:flex;gap:1.5rem;align-items:flex-start}
.summary span{display:block;margin:.15rem 0}
.help{color:#555;max-width:34rem}
.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.9em;height:.9em;vertical-align:middle;margin-right:.3em}
figure{margin:1rem 0;background:#fff;border:1px solid #ddd;padding:.5rem;display:inline-block}
figcaption{font-size:.85rem;color:#555}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#eee;position:sticky;top:0}
td.num{white-space:nowrap;font-variant-numeric:tabular-nums}
tr.high td.score{border-left:6px solid #2e7d32}
tr.medium td.score{border-left:6px solid #ef6c00}
tr.low td.score{border-left:6px solid #c62828}
tr.low{background:#fdecea} tr.medium{background:#fff4e5}
tr.flagged td.flags{background:#fff59d}
.flag{display:inline-block;background:#ffd54f;border-radius:3px;padding:0 .3em;margin:1px;
 font-size:.8rem;font-weight:600}
.status{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em}
.accepted{color:#2e7d32}.rejected{color:#c62828}.edited{color:#1565c0}.pending{color:#777}
.was{color:#888;text-decoration:line-through;display:block;font-size:.85em}
.note{color:#6a1b9a;font-style:italic;display:block}
"""


def _path_svg(project: Project, size: int = 420) -> str:
    """Beads as rectangles on the source × target grid; a good alignment hugs the diagonal."""
    ns = max(1, len(project.source.segments))
    nt = max(1, len(project.target.segments))
    pad = 40
    sx, sy = size / ns, size / nt
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + pad + 10}" '
        f'height="{size + pad + 10}" role="img" aria-label="alignment path">',
        f'<rect x="{pad}" y="0" width="{size}" height="{size}" fill="#fff" stroke="#999"/>',
        f'<line x1="{pad}" y1="0" x2="{pad + size}" y2="{size}" stroke="#ddd" '
        'stroke-dasharray="4 4"/>',
    ]
    at_s = at_t = 0  # where an empty side sits: just after the previous bead's sentences
    for number, bead in enumerate(project.beads, start=1):
        s0 = min(bead.source) if bead.source else at_s
        t0 = min(bead.target) if bead.target else at_t
        flagged = bool(flags(project, bead))
        parts.append(_bead_mark(bead, number, pad + s0 * sx, t0 * sy, (sx, sy), flagged))
        at_s = max(bead.source) + 1 if bead.source else at_s
        at_t = max(bead.target) + 1 if bead.target else at_t
    parts += [
        f'<text x="{pad + size / 2}" y="{size + 28}" text-anchor="middle" font-size="12">'
        f"source sentence (0–{ns - 1})</text>",
        f'<text x="12" y="{size / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 12 {size / 2})">target sentence (0–{nt - 1})</text>',
        "</svg>",
    ]
    return "\n".join(parts)


def _bead_mark(
    bead: Bead, number: int, x: float, y: float, scale: tuple[float, float], flagged: bool
) -> str:
    sx, sy = scale
    level = band(bead.score)
    colour = COLOURS[level] if level != "high" else "#90a4ae"
    w = len(bead.source) * sx or 2.0  # a 0:n bead is a thin bar, still visible
    h = len(bead.target) * sy or 2.0
    title = escape(
        f"bead #{number}: source {list(bead.source)} ↔ target {list(bead.target)}, "
        f"score {bead.score:.2f} ({level}), {bead.status.value}"
    )
    stroke = ' stroke="#000" stroke-width="1.5"' if flagged else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}" '
        f'fill-opacity="0.85"{stroke}><title>{title}</title></rect>'
    )


def _row(project: Project, number: int, bead: Bead, with_draft: bool) -> str:
    level = band(bead.score)
    found = flags(project, bead)
    classes = level + (" flagged" if found else "")
    target = escape(project.target_text(bead))
    if bead.text is not None:
        original = escape(project.original_target_text(bead))
        distance = bead_post_edit_distance(project, bead)
        target = f'<span class="was">{original}</span>{target}'
        if distance is not None:
            target += f" <small>(post-edit distance {distance:.2f})</small>"
    badges = "".join(f'<span class="flag">{escape(f)}</span>' for f in found)
    note = f'<span class="note">{escape(bead.note)}</span>' if bead.note else ""
    draft = f"<td>{escape(draft_text(project, bead))}</td>" if with_draft else ""
    status = escape(bead.status.value)
    source = escape(project.source_text(bead))
    if bead.source_text is not None:  # a corrected source shows what it replaced, like an edit
        source = f'<span class="was">{escape(project.original_source_text(bead))}</span>{source}'
    return (
        f'<tr class="{classes}" id="bead-{number}"><td class="num">{number}</td>'
        f'<td class="num score">{bead.score:.2f}</td>'
        f'<td><span class="status {status}">{status}</span></td>'
        f'<td lang="{escape(project.source.lang)}">{source}</td>'
        f'{draft}<td lang="{escape(project.target.lang)}">{target}</td>'
        f'<td class="flags">{badges}{note}</td></tr>'
    )


def render_report(project: Project, title: str = "bitext review report") -> str:
    """The whole report as one HTML string (pure: no files, no clock)."""
    summary = summarize(project)
    with_draft = has_reference(project)
    mean = summary.mean_post_edit_distance
    facts = [
        f"{summary.beads} beads",
        f"{summary.percent_reviewed:.1f}% reviewed",
        *(f"{n} {s}" for s, n in summary.by_status.items()),
        f"{summary.flagged_left} flagged left",
        "mean post-edit distance " + ("–" if mean is None else f"{mean:.3f}"),
    ]
    legend = "".join(
        f'<span><i class="sw" style="background:{c}"></i>{name}</span>'
        for name, c in (("high", "#90a4ae"), ("medium", COLOURS["medium"]), ("low", COLOURS["low"]))
    )
    heads = ["#", "score", "status", f"source ({project.source.lang})"]
    heads += ["MT draft"] if with_draft else []
    heads += [("reference" if with_draft else "MT draft") + f" ({project.target.lang})", "flags"]
    rows = "\n".join(_row(project, n, b, with_draft) for n, b in enumerate(project.beads, start=1))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">source: {escape(project.source.path or "–")} · target: \
{escape(project.target.path or "MT drafts")} · model: \
{escape(project.model.id if project.model else "–")}</p>
<div class="top"><figure>{_path_svg(project)}
<figcaption>Alignment path: one mark per bead (hover for details).</figcaption></figure>
<div><p class="summary">{"".join(f"<span>{escape(f)}</span>" for f in facts)}</p>
<p class="legend">Confidence: {legend}</p>
<p class="help">A good alignment runs down the diagonal. Tall or wide marks are n:m links;
coloured ones are the least certain and deserve a look first; a black outline means QA
flags. Rows below use the same colours; flags are highlighted in yellow.</p></div></div>
<table><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in heads)}</tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""


def write_report(path: Path, project: Project, title: str = "bitext review report") -> None:
    write_text_atomic(path, render_report(project, title))
