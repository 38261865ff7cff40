"""Kommandot `python -m data.publicerat` (koden: data.planen.publicerat)."""
import sys

from data.planen.publicerat import main

if __name__ == "__main__":
    sys.exit(main())
