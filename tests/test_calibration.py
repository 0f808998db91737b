"""The map from a bead's posterior to its score (``align.calibration``) and where it applies."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from align.aligner import AlignParams, align
from align.calibration import IDENTITY, Calibration
from align.weights import SETTINGS, fitted
from tests.benchmarks.test_align_bench import synthetic_pair
from tests.hand_weights import hand

GRID = np.concatenate([[0.0, 1e-6, 1e-4], np.linspace(0.001, 0.999, 999), [1 - 1e-4, 1.0]])


def _monotone_in_unit_interval(calibration: Calibration) -> None:
    scores = calibration.scores(GRID)
    assert np.all((scores >= 0) & (scores <= 1))
    assert np.all(np.diff(scores) >= -1e-12)
    singles = [calibration(float(p)) for p in GRID]
    assert singles == pytest.approx(list(scores), abs=1e-12)


def _overconfident(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Posteriors whose beads are right with probability σ(0.5 · logit p): too sure both ways."""
    rng = np.random.default_rng(seed)
    p = 1 / (1 + np.exp(-rng.normal(1.5, 3.0, n)))
    truth = 1 / (1 + np.exp(-0.5 * np.log(p / (1 - p))))
    return p, rng.random(n) < truth


def test_the_identity_map_keeps_the_posterior() -> None:
    assert Calibration.of(None) == IDENTITY
    for p in (0.001, 0.2, 0.5, 0.77, 0.999):
        assert IDENTITY(p) == pytest.approx(p, abs=1e-12)
    assert IDENTITY(0.0) == pytest.approx(0.0, abs=2e-4)
    assert IDENTITY(1.0) == pytest.approx(1.0, abs=2e-4)


def test_a_fitted_map_is_monotone_in_0_1_and_calibrates_held_out_beads() -> None:
    p, right = _overconfident(20_000, seed=1)
    calibration = Calibration.fit(p, right)
    assert calibration.a == pytest.approx(0.5, abs=0.05)  # σ(0.5 ln p - 0.5 ln(1 - p))
    assert calibration.b == pytest.approx(0.5, abs=0.05)
    _monotone_in_unit_interval(calibration)
    # on fresh beads, each fixed-width bin's mean score is close to its fraction right
    q, fresh = _overconfident(20_000, seed=2)
    before, after = q, calibration.scores(q)

    def worst(scores: np.ndarray) -> float:
        bins = np.minimum((scores * 10).astype(int), 9)
        return max(
            abs(scores[bins == k].mean() - fresh[bins == k].mean())
            for k in range(10)
            if (bins == k).sum() >= 200
        )

    assert worst(before) > 0.1 and worst(after) < 0.03
    assert Calibration.of(calibration.as_dict()) == calibration


def test_a_map_never_falls_with_the_posterior_even_where_the_data_do() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(2_000)
    right = rng.random(2_000) < 1 - p  # the more probable, the more often wrong
    calibration = Calibration.fit(p, right)
    assert calibration.a >= 0 and calibration.b >= 0
    _monotone_in_unit_interval(calibration)


@pytest.mark.parametrize("name", SETTINGS)
def test_each_shipped_set_has_a_monotone_map(name: str) -> None:
    weights = fitted(name.startswith("drafts"), name.endswith("meaning"))
    assert weights.calibration != IDENTITY
    _monotone_in_unit_interval(weights.calibration)


def test_the_aligner_scores_beads_through_the_weights_map() -> None:
    src, tgt, _ = synthetic_pair(30, seed=7)
    weights = hand(drafts=False)
    plain = align(src, tgt, params=AlignParams(weights=weights))
    steep = Calibration(a=3.0, b=0.5, c=-0.4)
    mapped = align(src, tgt, params=AlignParams(weights=replace(weights, calibration=steep)))
    assert [(b.source, b.target) for b in mapped] == [(b.source, b.target) for b in plain]
    for before, after in zip(plain, mapped, strict=True):
        assert 0.0 <= after.score <= 1.0
        # the aligner maps the unrounded posterior; the stored one is rounded to 4 decimals
        assert after.score == pytest.approx(steep(before.score), abs=5e-3)
    assert any(abs(a.score - b.score) > 0.01 for a, b in zip(plain, mapped, strict=True))
    # the review queue's order (by score) is the posterior's
    order = np.argsort([b.score for b in plain], kind="stable")
    assert np.all(np.diff([mapped[k].score for k in order]) >= -5e-3)
