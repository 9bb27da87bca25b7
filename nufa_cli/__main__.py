"""`nufa` and `python -m nufa_cli`: front.py runs a plain check or build itself; typer (cli.py),
imported only then, runs everything else."""

from __future__ import annotations

from nufa_cli import front


def _typer() -> None:
    from nufa_cli.cli import app

    app()


def main() -> None:
    front.main(_typer)


if __name__ == "__main__":
    main()
