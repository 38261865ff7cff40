"""Kommandot `python -m data.nyplan` (koden: data.planen.nyplan)."""
import sys

from data.planen.nyplan import main

if __name__ == "__main__":
    sys.exit(main())
