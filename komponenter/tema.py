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

from data.uppfoljning.status import STATUS, status_stil  # noqa: E402,F401  (en källa för statusfärgerna)


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
        separators=",\u00a0",
        hoverlabel=dict(font=dict(family=TYPSNITT, size=bas)),
    ))


LINJEBREDD = {False: 2.5, True: 5}
MARKOR = {False: 9, True: 16}
