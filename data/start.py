"""Kommandot `python -m data.start` (koden: data.lagring.start)."""
import sys

from data.lagring.start import main

if __name__ == "__main__":
    sys.exit(main())
