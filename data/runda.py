"""Kommandot `python -m data.runda` (koden: data.rapportering.runda)."""
import sys

from data.rapportering.runda import main

if __name__ == "__main__":
    sys.exit(main())
