"""En källa för appens färger, statusar och plotly-mallen (med storbildsvariant för projektorn).

Statusfärgerna bygger på Okabe–Itos palett (skiljbar vid vanliga färgsynsavvikelser) och är
mörkade/ljusade så att texten på märket har minst 4,5:1 i kontrast. Färg är aldrig ensam:
varje status har också en symbol och ett ord.
"""
from __future__ import annotations

import functools

import plotly.graph_objects as go

TEXT = "#1a1a1a"
DAMPAD = "#4d4d4d"
BLA = "#0060a0"        # Okabe–Ito blå, mörkad (länkar, utfall)
ORANGE = "#b35900"     # mål (tydligt skild från utfall även i gråskala: streckad)
GRON = "#00735a"
VERMILJON = "#a63d00"
GRA = "#595959"
TYPSNITT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
            '"Noto Sans", "Liberation Sans", sans-serif')

# status: (bakgrund, textfärg, symbol, css-klass)
STATUS = {
    "Genomförd": ("#00735a", "#ffffff", "✓", "genomford"),
    "Pågår enligt plan": ("#0060a0", "#ffffff", "►", "pagar"),
    "Pågår med avvikelse": ("#e69f00", "#000000", "▲", "avvikelse"),
    "Försenad": ("#a63d00", "#ffffff", "!", "forsenad"),
    "Ej påbörjad": ("#f0e442", "#000000", "○", "ej-paborjad"),
    "Struken": ("#595959", "#ffffff", "–", "struken"),
    "Ej rapporterad": ("#ffffff", "#404040", "?", "ej-rapporterad"),
    # indikatorer
    "Uppnått": ("#00735a", "#ffffff", "✓", "uppnatt"),
    "Delvis uppnått": ("#e69f00", "#000000", "◐", "delvis"),
    "Ej uppnått": ("#a63d00", "#ffffff", "✕", "ej-uppnatt"),
    "Kan inte bedömas": ("#e0e0e0", "#1a1a1a", "–", "kan-inte"),
    # inriktningsmål
    "Uppfyllt": ("#00735a", "#ffffff", "✓", "uppnatt"),
    "Till största delen uppfyllt": ("#56b4e9", "#000000", "◕", "storsta-delen"),
    "Ej uppfyllt": ("#a63d00", "#ffffff", "✕", "ej-uppnatt"),
}


def status_stil(status: str) -> tuple[str, str, str, str]:
    return STATUS.get(status, STATUS["Ej rapporterad"])


@functools.lru_cache(maxsize=2)
def plotly_mall(stor: bool = False) -> go.layout.Template:
    """Plotly-mall. stor=True: projektorläge (stor text, tjocka linjer, inga stödlinjer)."""
    bas = 22 if stor else 14
    return go.layout.Template(layout=go.Layout(
        font=dict(family=TYPSNITT, size=bas, color=TEXT),
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        colorway=[BLA, ORANGE, GRON, VERMILJON, "#cc79a7", "#56b4e9", GRA],
        margin=dict(l=60, r=20, t=30, b=50),
        xaxis=dict(showgrid=False, linecolor=GRA, ticks="outside", tickcolor=GRA,
                   tickfont=dict(size=bas)),
        yaxis=dict(showgrid=not stor, gridcolor="#e6e6e6", zeroline=True, zerolinecolor="#999999",
                   linecolor=GRA, tickfont=dict(size=bas), separatethousands=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0,
                    font=dict(size=bas)),
        separators=", ",
        hoverlabel=dict(font=dict(family=TYPSNITT, size=bas)),
    ))


LINJEBREDD = {False: 2.5, True: 5}
MARKOR = {False: 9, True: 16}
