"""Kommandot `python -m data.anvandare` (koden: data.konton.anvandare)."""
import sys

from data.konton.anvandare import main

if __name__ == "__main__":
    sys.exit(main())
