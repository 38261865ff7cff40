"""Kommandot `python -m data.ladda` (koden: data.planen.ladda)."""
import sys

from data.planen.ladda import main

if __name__ == "__main__":
    sys.exit(main())
