"""Statusorden, deras ordning och färger: en neutral modul som regler, sidor och export delar.

Färgerna bygger på Okabe–Itos palett (skiljbar vid vanliga färgsynsavvikelser), mörkade/ljusade
så att texten på märket har minst 4,5:1 i kontrast. Färg är aldrig ensam: varje status har
också en symbol och ett ord. Inga beroenden (varken databas, Dash eller plotly).
"""
from __future__ import annotations

# Åtgärder
GENOMFORD, PAGAR, AVVIKELSE, FORSENAD, EJ_PABORJAD, STRUKEN = (
    "Genomförd", "Pågår enligt plan", "Pågår med avvikelse", "Försenad", "Ej påbörjad", "Struken")
ATGARDSSTATUS = (GENOMFORD, PAGAR, AVVIKELSE, FORSENAD, EJ_PABORJAD, STRUKEN)
EJ_RAPPORTERAD = "Ej rapporterad"
ATGARDSSTATUS_ALLA = ATGARDSSTATUS + (EJ_RAPPORTERAD,)
AVSLUTADE = (GENOMFORD, STRUKEN)

# Indikatorer
UPPNATT, DELVIS, EJ_UPPNATT, KAN_INTE = ("Uppnått", "Delvis uppnått", "Ej uppnått", "Kan inte bedömas")
INDIKATORSTATUS_ALLA = (UPPNATT, DELVIS, EJ_UPPNATT, KAN_INTE, EJ_RAPPORTERAD)

# Inriktningsmål (styrelsens bedömning)
BEDOMNINGAR = ("Uppfyllt", "Till största delen uppfyllt", "Ej uppfyllt", KAN_INTE)

# Målområdet sammanfattat (regler.malomradesstatus)
I_FAS, DELVIS_I_FAS, EJ_I_FAS = "I fas", "Delvis i fas", "Ej i fas"
MALOMRADESSTATUS = (I_FAS, DELVIS_I_FAS, EJ_I_FAS, KAN_INTE)

# status: (bakgrund, textfärg, symbol, css-klass)
STATUS = {
    GENOMFORD: ("#00735a", "#ffffff", "✓", "genomford"),
    PAGAR: ("#0060a0", "#ffffff", "►", "pagar"),
    AVVIKELSE: ("#e69f00", "#000000", "▲", "avvikelse"),
    FORSENAD: ("#a63d00", "#ffffff", "!", "forsenad"),
    EJ_PABORJAD: ("#f0e442", "#000000", "○", "ej-paborjad"),
    STRUKEN: ("#595959", "#ffffff", "–", "struken"),
    EJ_RAPPORTERAD: ("#ffffff", "#404040", "?", "ej-rapporterad"),
    UPPNATT: ("#00735a", "#ffffff", "✓", "uppnatt"),
    DELVIS: ("#e69f00", "#000000", "◐", "delvis"),
    EJ_UPPNATT: ("#a63d00", "#ffffff", "✕", "ej-uppnatt"),
    KAN_INTE: ("#e0e0e0", "#1a1a1a", "–", "kan-inte"),
    "Uppfyllt": ("#00735a", "#ffffff", "✓", "uppnatt"),
    "Till största delen uppfyllt": ("#56b4e9", "#000000", "◕", "storsta-delen"),
    "Ej uppfyllt": ("#a63d00", "#ffffff", "✕", "ej-uppnatt"),
    I_FAS: ("#00735a", "#ffffff", "✓", "i-fas"),
    DELVIS_I_FAS: ("#e69f00", "#000000", "◐", "delvis-i-fas"),
    EJ_I_FAS: ("#a63d00", "#ffffff", "✕", "ej-i-fas"),
}


def status_stil(status: str) -> tuple[str, str, str, str]:
    """(bakgrund, textfärg, symbol, css-klass) för en status; okänd = Ej rapporterad."""
    return STATUS.get(status, STATUS[EJ_RAPPORTERAD])
