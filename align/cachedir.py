"""Where every bitext cache lives: one folder, one switch.

The dictionary lexicon, MT drafts, sentence vectors and CTranslate2 copies all go under
``cache_root()``; ``BITEXT_CACHE_DIR`` moves them all at once (tests, shared machines, a
read-only home), and nothing is written to the user's cache dir while it is set.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``BITEXT_CACHE_DIR`` when set, else the platform's user cache dir (``~/.cache/bitext``)."""
    override = os.environ.get("BITEXT_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bitext"))
