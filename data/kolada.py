"""Kommandot `python -m data.kolada` (koden: data.utdata.kolada)."""
import sys

from data.utdata.kolada import main

if __name__ == "__main__":
    sys.exit(main())
