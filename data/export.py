"""Kommandot `python -m data.export` (koden: data.utdata.export)."""
import sys

from data.utdata.export import main

if __name__ == "__main__":
    sys.exit(main())
