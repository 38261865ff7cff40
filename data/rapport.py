"""Kommandot `python -m data.rapport` (koden: data.rapportering.rapport)."""
import sys

from data.rapportering.rapport import main

if __name__ == "__main__":
    sys.exit(main())
