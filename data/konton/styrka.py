"""Hur svår en hemlighet eller ett lösenord är att gissa: en grov uppskattning av entropin i bitar
som inte räknar följder (0123…, abcd…, 9753…) och upprepningar (aaaa, abcabc) som slump.

Ren regel: inga importer ur projektet, ingen databas.
"""
from __future__ import annotations

import logging
import math
import string

log = logging.getLogger(__name__)

MIN_BITAR_HEMLIGHET = 128     # MALKOLL_HEMLIGHET
MIN_BITAR_LOSENORD = 50       # kontons lösenord och MALKOLL_ADMIN_LOSENORD
MIN_LANGD_LOSENORD = 12
VANLIGA = {
    "losenord", "lösenord", "password", "passw0rd", "sommar", "vinter", "hosten", "hösten", "varen", "våren",
    "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "123456", "letmein", "welcome", "valkommen", "välkommen",
    "admin", "administrator", "malkoll", "målkoll", "kommun", "changeme", "hemlig",
    "hemligt", "secret",
}


def _pool(text: str) -> int:
    """Teckenförrådet som texten ser ut att vara dragen ur."""
    n = 0
    if any(c in string.digits for c in text):
        n += 10
    if any(c.islower() for c in text):
        n += 26 + (3 if any(c in "åäö" for c in text) else 0)
    if any(c.isupper() for c in text):
        n += 26 + (3 if any(c in "ÅÄÖ" for c in text) else 0)
    if any(not c.isalnum() for c in text):
        n += 33
    return max(n, 2)


def uppskattad_entropi(text: str) -> float:
    """Bitar: varje tecken ger log2(förrådet), utom tecken som följer av de föregående (samma,
    ±1, samma steg som förra, eller en upprepning av en tidigare bit av texten) – de ger 1 bit."""
    per_tecken = math.log2(_pool(text))
    bitar = 0.0
    for i, c in enumerate(text):
        if i >= 1 and abs(ord(c) - ord(text[i - 1])) <= 1:
            bitar += 1
        elif i >= 2 and ord(c) - ord(text[i - 1]) == ord(text[i - 1]) - ord(text[i - 2]):
            bitar += 1
        elif i >= 2 and text[i - 2:i + 1] in text[:i]:
            bitar += 1
        else:
            bitar += per_tecken
    return bitar


def monsterfel(text: str, min_bitar: float) -> str | None:
    """Varför texten är för lätt att gissa (None när den duger)."""
    bitar = uppskattad_entropi(text)
    if bitar < min_bitar:
        return (f"för förutsägbar (ungefär {bitar:.0f} bitar slump; minst {min_bitar:.0f} krävs – "
                "följder som 0123 eller abcd och upprepningar räknas inte)")
    return None


def losenordsfel(losen: str, namn: str = "") -> str | None:
    """Minsta lösenordspolicy: minst 12 tecken, inte användarnamnet, inget vanligt ord som grund,
    och inte förutsägbart (följder, upprepningar). None när lösenordet duger."""
    if len(losen) < MIN_LANGD_LOSENORD:
        return f"Lösenordet är för kort ({len(losen)} tecken; minst {MIN_LANGD_LOSENORD} krävs)."
    liten = losen.lower()
    if namn and namn.lower() in liten:
        return "Lösenordet får inte innehålla användarnamnet."
    rest = liten
    for ord_ in sorted(VANLIGA, key=len, reverse=True):
        rest = rest.replace(ord_, "")
    if len(rest) < 8:
        return "Lösenordet bygger på ett vanligt ord; välj en lång fras eller slumpade tecken."
    fel = monsterfel(losen, MIN_BITAR_LOSENORD)
    return f"Lösenordet är {fel}." if fel else None
