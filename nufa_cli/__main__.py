"""`nufa` and `python -m nufa_cli`: front.py runs a plain check or build itself; typer (cli.py),
imported only then, runs everything else."""

from __future__ import annotations

import os

from nufa_cli import front


def _typer() -> None:
    from nufa_cli.cli import app

    app()


def main() -> None:
    # No pydantic plugin observes nufa's validation: looking for them reads the entry points
    # of every installed package when the first validator is built (6 ms of a 0.23 s check).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    front.main(_typer, end_at_once=True)  # the console script: the process is nufa's


if __name__ == "__main__":
    main()
