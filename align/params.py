"""The aligner's parameters: the search's (``SearchParams``) and the cost's (``AlignParams``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from align.weights import CostWeights


@dataclass(frozen=True)
class SearchParams:
    """How the lattice is searched; none of these changes the cost of a bead.

    Short texts search the whole lattice; longer ones a band around an anchor chain, in blocks
    (``align.driver``), and a second pass revisits windows around changed sentences
    (``align.passes``).
    """

    full_limit: int = 250_000  # (n+1)·(m+1) up to which no band is needed
    band: int = 12  # half-width of the band around the anchor chain (grows if too tight)
    max_half: int = 192  # widest half-band: a path still on its edge then is not a translation's
    block: int = 4000  # rows of a long text's band searched at a time ...
    lookahead: int = 50  # ... with this many more rows whose beads are searched again next block
    window_pad: int = 1  # beads either side of a changed sentence the second pass revisits
    sure: float = 0.95  # ... and only beads less certain than this (a sure bead rarely flips)


def _default_types() -> list[tuple[int, int]]:
    return [
        (0, 1),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 1),
        (1, 3),
        (3, 1),
        (1, 4),
        (4, 1),
        (2, 2),
        (2, 3),
        (3, 2),
        (1, 5),
        (1, 6),
        (2, 4),
        (3, 3),
    ]


@dataclass(frozen=True)
class AlignParams:
    """Everything the aligner is told besides the texts: the cost's weights, the fixed shapes of
    its features, the bead types and how the lattice is searched."""

    # the bead cost's weights and temperature; None: the fitted set for the setting (with or
    # without drafts and sentence vectors) from ``align/data/cost_weights.json``
    weights: CostWeights | None = None
    relearn: int = 1  # passes with translation links learnt from the previous alignment
    # the shapes of the features (``align.cost``), fixed, not fitted: the lexical F-measure's
    # weight of English-side coverage against Chinese-side (with drafts the Chinese side also
    # carries loose dictionary glosses, so its coverage is the noisier half) ...
    beta: float = 1.0
    beta_with_drafts: float = 0.8
    mass_power: float = 0.5  # ... γ: the lexical reward grows with the bead's content as mass^γ
    mass_floor: float = 0.2  # ... the mass of a near-empty bead (keeps its reward from vanishing)
    length_smooth: float = 15.0  # characters added to both lengths before their ratio
    drop_reach: int = 2  # a dropped sentence is compared with 2·reach English sentences around
    types: list[tuple[int, int]] = field(default_factory=_default_types)
    search: SearchParams = field(default_factory=SearchParams)
