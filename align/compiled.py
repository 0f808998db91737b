"""Which compiled (numba) kernels to use: only for long texts, and only where numba imports.

Loading numba takes ~0.3 s once per process, more than the numpy/Python code it replaces
spends on a short text; a long one gains several times that. ``BITEXT_NUMBA=0`` turns the
kernels off (the results are the same either way; the tests compare them).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

KERNEL_ROWS = 2000  # lattice rows from which the compiled kernels pay for loading numba


def kernel(name: str, rows: int = KERNEL_ROWS) -> ModuleType | None:
    """``align.<name>`` for a lattice of ``rows`` rows, or None: use the numpy/Python code."""
    if rows < KERNEL_ROWS or os.environ.get("BITEXT_NUMBA", "1") == "0":
        return None
    try:
        return importlib.import_module(f"align.{name}")
    except ImportError:
        return None
