"""Kommandot `python -m data.kolada` (koden: data.utdata.kolada). En tom databas fylls först som appen gör
(data.planen.kommando.fylld_forst)."""
import sys

from data.planen import kommando
from data.utdata.kolada import main as _main


def main(argv: list[str] | None = None) -> int:
    return kommando.fylld_forst(_main, argv)


if __name__ == "__main__":
    sys.exit(main())
