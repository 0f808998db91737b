"""The fitted weights of the bead cost, read from ``align/data/cost_weights.json``.

The file is written by ``scripts/fit_cost.py`` (never by hand): one weight per named feature of
``align.cost.FEATURES``, a posterior temperature and the map from posterior to score
(``align.calibration``), for each of the four settings (with or without MT drafts, with or
without sentence meaning), together with the data, date, procedure, leave-one-chapter-out F1
and held-out reliability tables they were fitted on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from align.calibration import IDENTITY, Calibration
from align.errors import InputError

WEIGHTS_FILE = "data/cost_weights.json"


def setting(drafts: bool, meaning: bool) -> str:
    """The name of a weight set: ``drafts+meaning``, ``drafts``, ``meaning`` or ``offline``."""
    if drafts:
        return "drafts+meaning" if meaning else "drafts"
    return "meaning" if meaning else "offline"


SETTINGS = tuple(setting(d, s) for d in (True, False) for s in (True, False))


@dataclass(frozen=True)
class CostWeights:
    """One weight per named feature (absent: 0, the feature is off), the temperature of the
    posteriors, ``exp(-cost / temperature)``, and the map from a posterior to a bead's score
    (the identity unless fitted)."""

    weights: MappingProxyType[str, float] = field(default_factory=lambda: MappingProxyType({}))
    temperature: float = 0.05
    calibration: Calibration = IDENTITY

    def __getitem__(self, name: str) -> float:
        return self.weights.get(name, 0.0)

    def but(self, **changes: float) -> CostWeights:
        """The same weights with some changed (0 turns a feature off): for tests and ablations."""
        return replace(self, weights=MappingProxyType({**self.weights, **changes}))

    @classmethod
    def of(cls, raw: dict[str, Any]) -> CostWeights:
        """From one set of the weights file: ``{"weights": {...}, "temperature": t,
        "calibration": {...}, ...}`` (a set without a calibration scores by the posterior)."""
        weights = {str(k): float(v) for k, v in raw["weights"].items()}
        calibration = Calibration.of(raw.get("calibration"))
        return cls(MappingProxyType(weights), float(raw["temperature"]), calibration)


@cache
def weights_file() -> dict[str, Any]:
    """The whole weights file (sets, and the provenance of the fit)."""
    text = resources.files("align").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def fitted(drafts: bool, meaning: bool) -> CostWeights:
    """The fitted weights for aligning with/without drafts and with/without sentence vectors."""
    sets = weights_file()["sets"]
    name = setting(drafts, meaning)
    if name not in sets:
        raise InputError(f"{WEIGHTS_FILE} has no weight set {name!r}; reinstall bitext")
    return CostWeights.of(sets[name])
