"""Kommandot `python -m data.paminnelser` (koden: data.rapportering.paminnelser)."""
import sys

from data.rapportering.paminnelser import main

if __name__ == "__main__":
    sys.exit(main())
