"""Svenska talformat för sidorna: 1 234,5 · −7,8 · 12 % · 228,9 mnkr (se data/format.py, Babel)."""
from __future__ import annotations

from data.uppfoljning.format import (MINUS, NBSP, PLOTLY_SEPARATORER, PLOTLY_TICKFORMAT, UTAN_ENHET,  # noqa: F401
                         datum, med_enhet, procent, tal, tkr)
