"""Which compiled (numba) kernels to use: only for long texts, and only where numba works.

Loading numba takes ~0.3 s once per process, more than the numpy/Python code it replaces
spends on a short text; a long one gains several times that. ``BITEXT_NUMBA=0`` turns the
kernels off (the results are the same either way; the tests compare them), and a kernel that
fails to compile or run falls back to that code with one warning, never losing the alignment.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

KERNEL_ROWS = 2000  # lattice rows from which the compiled kernels pay for loading numba
_failed: set[str] = set()
T = TypeVar("T")


def kernel(name: str, rows: int = KERNEL_ROWS) -> ModuleType | None:
    """``align.<name>`` for a lattice of ``rows`` rows, or None: use the numpy/Python code."""
    if name in _failed or os.environ.get("BITEXT_NUMBA", "1") == "0":
        return None
    if rows < KERNEL_ROWS and f"align.{name}" not in sys.modules:
        return None  # not worth loading numba for; once loaded, it is faster at any size
    try:
        return importlib.import_module(f"align.{name}")
    except ImportError:
        return None


def call(name: str, rows: int, fast: Callable[[ModuleType], T], slow: Callable[[], T]) -> T:
    """``fast(kernel)`` where the kernel is worth it and works, else ``slow()``."""
    module = kernel(name, rows)
    if module is None:
        return slow()
    try:
        return fast(module)
    except Exception as exc:  # noqa: BLE001 - a compiler failure must not cost the alignment
        _failed.add(name)
        warnings.warn(
            f"compiled {name} failed ({type(exc).__name__}: {exc}); using the numpy code",
            RuntimeWarning,
            stacklevel=2,
        )
        return slow()
