"""Traditional Chinese read as simplified, for lookups only: glossary terms and CC-CEDICT words.

A glossary is usually kept in one script while sources arrive in either (a Hong Kong or Taiwan
text, an older treaty), and ``外交部長`` never equals ``外交部长`` as a string. OpenCC's ``t2s``
maps each character (or phrase) to one of the same length, so offsets found in the converted
text are offsets in the text as written: callers look up in the converted copy and keep showing,
storing and segmenting the original.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _converter() -> Any:
    import opencc  # ~50 ms to load its dictionaries: once per process, and only when needed

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced by simplified ones, at the same offsets.

    Simplified text comes back unchanged. Should a conversion ever change the length (none of
    the t2s tables of OpenCC 1.4 does), the text is returned as written: no offset may break.
    """
    if text.isascii():
        return text
    converted: str = _converter().convert(text)
    return converted if len(converted) == len(text) else text
