"""Knappen "Exportera till Excel" med sin dcc.Download. Ren byggare utan sidoeffekter.

Knappen exporterar det sidan visar, med sidans filter (callbacken finns i sidor/_export.py, som
läser sidans URL). Id:na är fasta, så det får bara finnas en knapp per sida.
"""
from __future__ import annotations

from dash import dcc, html

KNAPP = "export-knapp"                # samma värden som ids.EXPORT_KNAPP / ids.EXPORT_NEDLADDNING
NEDLADDNING = "export-nedladdning"
ETIKETT = "Exportera till Excel"
FORKLARING = ("Ladda ned det som sidan visar, med valda filter, som en Excel-fil (.xlsx) "
              "med tal som tal – för egna rapporter.")


def exportknapp(className: str = "") -> html.Div:
    """Knappen och nedladdningen. Placeras i sidans innehåll (en gång per sida)."""
    return html.Div([
        html.Button([html.Span("⤓", className="me-1", **{"aria-hidden": "true"}), ETIKETT],
                    id=KNAPP, n_clicks=0, type="button", title=FORKLARING,
                    className="btn btn-outline-primary btn-sm exportknapp"),
        dcc.Download(id=NEDLADDNING),
    ], className=f"export d-print-none {className}".strip())


RAPPORT_WORD, RAPPORT_PDF = "rapport-word", "rapport-pdf"


def rapportknappar(fraga: str) -> html.Div:
    """Länkarna "Delårsrapport (Word)" och "(PDF)": rapporten för sidans plan, period och filter
    (GET /export/delarsrapport.docx och .pdf med samma query-parametrar som sidan)."""
    def knapp(id_: str, etikett: str, vag: str, titel: str):
        return html.A([html.Span("⤓", className="me-1", **{"aria-hidden": "true"}), etikett],
                      id=id_, href=vag + fraga, title=titel, className="btn btn-outline-primary btn-sm")
    return html.Div([
        knapp(RAPPORT_WORD, "Delårsrapport (Word)", "/export/delarsrapport.docx",
              "Ladda ned delårsrapporten för perioden och filtret som Word-dokument (.docx)"),
        knapp(RAPPORT_PDF, "Delårsrapport (PDF)", "/export/delarsrapport.pdf",
              "Ladda ned delårsrapporten för perioden och filtret som tillgänglig PDF"),
    ], className="rapportknappar d-flex gap-2 d-print-none")
