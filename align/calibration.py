"""The map from a bead's posterior to its score: beta calibration, fitted per weight set.

The forward–backward posterior of a bead (``align.search``) with one fitted temperature is
close to calibrated, but one temperature cannot bend the curve: held-out beads of middling
posterior were right more or less often than their posterior said. The score a reviewer sees is

    score = σ(a · ln p − b · ln(1 − p) + c)

with ``p`` the posterior clipped to [``EPS``, 1 − ``EPS``] (the resolution of a stored score),
``a, b ≥ 0`` (so the score never falls as the posterior rises, and stays in (0, 1)) and ``σ``
the logistic function: beta calibration (Kull, Silva Filho and Flach, 2017), which holds the
logistic (Platt) map on ``logit p`` as the case ``a = b`` and the identity as ``a = b = 1,
c = 0``, and can bend the two ends apart (a fitted temperature only sharpens or flattens the
whole curve). It is fitted by ``scripts/fit_cost.py`` by logistic regression of "the bead is
right" on the aligner's own beads of the training documents, and stored with the weights it
was fitted for (``align/data/cost_weights.json``); the alternatives tried are in that
script's docstring (step 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EPS = 1e-4  # posteriors are stored to 4 decimals: 1.0 means "within 1e-4 of 1"
RIDGE = 1e-2  # a light L2 pull of every coefficient towards the identity map
ITERATIONS = 50  # Newton steps (it converges in under ten)


@dataclass(frozen=True)
class Calibration:
    """``σ(a · ln p − b · ln(1 − p) + c)``; the default is the identity."""

    a: float = 1.0
    b: float = 1.0
    c: float = 0.0

    def __call__(self, posterior: float) -> float:
        p = min(max(posterior, EPS), 1.0 - EPS)
        z = self.a * math.log(p) - self.b * math.log1p(-p) + self.c
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def scores(self, posteriors: Sequence[float] | np.ndarray) -> np.ndarray:
        """The map over an array of posteriors."""
        return _sigmoid(_design(np.asarray(posteriors, float)) @ self.vector())

    def vector(self) -> np.ndarray:
        return np.array([self.a, self.b, self.c])

    def as_dict(self) -> dict[str, float]:
        return {"a": self.a, "b": self.b, "c": self.c}

    @classmethod
    def of(cls, raw: dict[str, float] | None) -> Calibration:
        """From the weights file's ``{"a": ..., "b": ..., "c": ...}``; none: the identity."""
        return cls() if raw is None else cls(*(float(raw[k]) for k in ("a", "b", "c")))

    @classmethod
    def fit(cls, posteriors: Sequence[float], right: Sequence[bool]) -> Calibration:
        """Logistic regression of ``right`` on ``ln p`` and ``-ln(1 - p)``, with ``a, b ≥ 0``
        kept by refitting with a coefficient that came out negative held at 0 (the map then
        depends on ``p`` through the other term alone, still non-decreasing)."""
        x = _design(np.asarray(posteriors, float))
        y = np.asarray(right, float)
        free = [True] * 3
        while True:
            w = _newton(x, y, free)
            negative = [k for k in (0, 1) if free[k] and w[k] < 0]
            if not negative:
                return cls(*map(float, w))
            free[min(negative, key=lambda k: w[k])] = False


IDENTITY = Calibration()


def _design(posteriors: np.ndarray) -> np.ndarray:
    p = np.clip(posteriors, EPS, 1.0 - EPS)
    return np.column_stack([np.log(p), -np.log1p(-p), np.ones_like(p)])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


def _newton(x: np.ndarray, y: np.ndarray, free: list[bool]) -> np.ndarray:
    """Penalised maximum likelihood over the free coefficients (the others stay 0), pulled
    towards the identity map ``(1, 1, 0)`` by ``RIDGE``."""
    prior = np.array([1.0, 1.0, 0.0]) * np.array(free)
    cols = np.flatnonzero(free)
    w = prior.copy()
    for _ in range(ITERATIONS):
        q = _sigmoid(x @ w)
        grad = x[:, cols].T @ (q - y) + RIDGE * (w[cols] - prior[cols])
        hess = (x[:, cols] * (q * (1 - q))[:, None]).T @ x[:, cols] + RIDGE * np.eye(len(cols))
        step = np.linalg.solve(hess, grad)
        w[cols] -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return w
