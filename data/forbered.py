"""Kommandot `python -m data.forbered` (koden: data.planen.forbered)."""
import sys

from data.planen.forbered import main

if __name__ == "__main__":
    sys.exit(main())
