"""/logga-in: användarnamn och lösenord (ett vanligt formulär som postas till servern, se
sidor/_inloggning.py) och, när SSO är inställt, "Logga in med <organisation>"."""
from __future__ import annotations

import dash
from dash import html

from data.konton import anvandare
from data.lagring import installningar
from sidor import _inloggning, _oidc, _sakerhet

dash.register_page(__name__, path="/logga-in", name="Logga in", order=90, title="Logga in – Målkoll",
                   sidcache=False)   # beror på inloggningen: sidor/_sidcache.py sparar den inte

def _besked(fel=None, vanta=None, utloggad=None):
    text, klass = _inloggning.besked(fel, vanta, utloggad)
    if text is None:
        return None
    return html.Div(text, className=f"alert alert-{klass}", role="status" if klass == "info" else "alert")


def _falt(etikett: str, namn: str, typ: str, auto: str):
    return html.Div([html.Label(etikett, htmlFor=f"inlogg-{namn}", className="form-label"),
                     html.Div(dash.dcc.Input(id=f"inlogg-{namn}", name=namn, type=typ, autoComplete=auto,
                                             className="form-control", required=True, debounce=True))],
                    className="mb-3")


def layout(fel=None, vanta=None, utloggad=None, nasta=None, **_):
    anv = _inloggning.aktuell()
    inst = installningar.aktuella()
    delar = [html.H1("Logga in", className="sidrubrik"), _besked(fel, vanta, utloggad)]
    if anv is not None:
        delar.append(html.P(f"Du är inloggad som {anv.visningsnamn} ({anvandare.ROLLNAMN[anv.roll]})."))
    if _sakerhet.hemlighetsfel() is not None and fel != "nyckel":
        delar.append(html.Div(_inloggning.BESKED["nyckel"], className="alert alert-danger", role="alert"))
    delar.append(html.Form([
        _falt("Användarnamn", "anvandarnamn", "text", "username"),
        _falt("Lösenord", "losenord", "password", "current-password"),
        dash.dcc.Input(type="hidden", name="nasta", id="inlogg-nasta", value=_inloggning.sakert_mal(nasta)),
        html.Button("Logga in", type="submit", className="btn btn-primary", id="inlogg-knapp"),
    ], action="/logga-in", method="post", id="inlogg-formular", className="inloggning"))
    if _oidc.pa():
        delar.append(html.Div([html.Hr(), html.A(f"Logga in med {inst.oidc_namn}", href="/logga-in/oidc",
                                                 className="btn btn-outline-primary", id="inlogg-sso")]))
    delar.append(html.P("Läsning av planen och uppföljningen kräver ingen inloggning." if not inst.krav_inloggning
                        else "Målkoll på den här servern kräver inloggning.", className="text-muted mt-4"))
    return html.Div(delar, style={"maxWidth": "28rem"})
