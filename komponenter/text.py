"""Lagrade fritexter (kommentarer, motiveringar) på sidorna: en lång text förkortas med en synlig
"…", så att en sida aldrig skickar en hel lagrad text på upp till 1 MB (issue 14). Hela texten –
allt som importen tar emot (högst granser.MAX_TEXT tecken) – står i elementets title (visas när man
hovrar), och exporten (Excel) har den i sin helhet."""
from __future__ import annotations

from dash import html

from data.rapportering.granser import MAX_TEXT

VISAS = 800          # tecken av en lång text som står på sidan
FORKORTAD = "Förkortad – håll muspekaren över texten för hela, eller hämta exporten (Excel)."


def forkorta(text: str, n: int = VISAS) -> str:
    """Högst n tecken; en förkortad text slutar med "…"."""
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def fritext(text: str, tagg=html.Div, **kw):
    """`tagg(text, **kw)`; en text längre än VISAS förkortas, med hela (högst MAX_TEXT tecken) i title."""
    if len(text) <= VISAS:
        return tagg(text, **kw)
    return tagg([forkorta(text), html.Span(f" ({FORKORTAD})", className="text-muted small fst-italic")],
                title=forkorta(text, MAX_TEXT), **{"data-forkortad": "ja"}, **kw)
