"""Driving ``bitext review`` in a real pseudo-terminal (pexpect), shared by the pty tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pexpect = pytest.importorskip("pexpect")

REPO = Path(__file__).resolve().parent.parent
PROMPT = r"review (\d+)/(\d+)> "
_ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
_BOX = re.compile(r"[\u2500-\u257f\s]")


def env(**extra: str) -> dict[str, str]:
    """The child's environment: this checkout first, a real terminal, no inherited width."""
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    # pexpect is no terminal emulator: it never answers prompt_toolkit's cursor-position query,
    # which the line editor would wait a second for on every edit
    terminal = {"TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return {**base, **terminal, "PYTHONPATH": str(REPO), "EDITOR": "true", **extra}


def spawn(path: Path, *options: str, columns: int = 120, prompt: bool = True) -> Any:
    """``bitext review PATH`` in a pty of ``columns`` columns, waiting for its first prompt."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "cli", "review", str(path), "--reviewer", "pty", *options],
        env=env(),
        cwd=str(path.parent),
        encoding="utf-8",
        dimensions=(50, columns),
        timeout=30,
    )
    if prompt:
        child.expect(PROMPT)
    return child


def send(child: Any, line: str) -> str:
    """Type one command and wait for the next prompt: by then the decision is on disk."""
    child.sendline(line)
    child.expect(PROMPT)
    return str(child.before)


def quit_session(child: Any) -> None:
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()


def screen_text(captured: str) -> str:
    """What a reader sees, run together: no colour codes, frame lines or white space."""
    return _BOX.sub("", _ANSI.sub("", captured))


def bitext(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        env=env(**extra_env),
        cwd=cwd,
        timeout=60,
    )
