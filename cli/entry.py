"""The console script's entry: a Ctrl-C while the heavy modules still load ends quietly too."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from cli.app import main as run  # typer, rich, numpy: a few tenths of a second

        run()
    except KeyboardInterrupt:
        sys.stderr.write("bitext: interrupted; finished work is saved, run again to resume\n")
        sys.exit(130)
