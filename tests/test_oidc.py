"""Single sign-on med OpenID Connect mot en riktig OIDC-utfärdare som körs lokalt i testet
(oidc-provider-mock): gruppanspråket ger roll och enheter enligt MALKOLL_OIDC_GRUPPER, ett konto
utan känd grupp kommer inte in, och rollen följer grupperna vid nästa inloggning."""
from __future__ import annotations

import urllib.request
from data.lagring.start import anvand_databas
from urllib.parse import urljoin

import pytest
import requests

from tests.conftest import ledig_port
from tests.test_sakerhet import Klient, forbered_databas, starta, stoppa, text_i

HEMLIGHET = "Tq3v9kX2-mB7wL0pZ4sR8yN1cF6hJ5dG_e2uA9oV"


@pytest.fixture(scope="module")
def utfardare():
    from oidc_provider_mock import User, run_server_in_thread
    anvandare = [
        User(sub="anna-1", claims={"preferred_username": "anna", "name": "Anna Andersson", "groups": ["malkoll-shb"],
                                     "email": "anna.andersson@kommun.se"}),
        User(sub="bo-2", claims={"preferred_username": "bo", "name": "Bo Berg", "groups": ["andra-gruppen"]}),
        User(sub="cia-3", claims={"preferred_username": "cia", "name": "Cia Chef",
                                  "groups": ["malkoll-shb", "malkoll-admin"]}),
    ]
    with run_server_in_thread(user_claims=anvandare) as srv:
        yield f"http://localhost:{srv.server_port}"


@pytest.fixture(scope="module")
def sso_server(utfardare, tmp_path_factory):
    katalog = tmp_path_factory.mktemp("oidc")
    url = f"sqlite:///{katalog / 'app.sqlite'}"
    forbered_databas(url)
    port = ledig_port()   # omdirigeringsadressen byggs av MALKOLL_ADRESS, aldrig av Host-huvudet
    proc, bas = starta(url, katalog, port=port, miljo={
        "MALKOLL_ADRESS": f"http://127.0.0.1:{port}",
        "MALKOLL_HEMLIGHET": HEMLIGHET, "MALKOLL_OIDC_UTFARDARE": utfardare, "MALKOLL_OIDC_KLIENT": "malkoll",
        "MALKOLL_OIDC_HEMLIGHET": "klienthemlighet", "MALKOLL_OIDC_NAMN": "Norrtälje kommun",
        "MALKOLL_OIDC_GRUPPER": "malkoll-admin=administrator; malkoll-shb=rapportor:KSK/SHB,KSK/SHB/MEX"})
    yield {"bas": bas, "databas": url, "logg": proc.logg}
    stoppa(proc)


def sso(bas: str, sub: str) -> tuple[requests.Session, str]:
    """Hela inloggningen: Målkoll → utfärdaren (välj användaren) → tillbaka. Returnerar sessionen och
    vart Målkoll skickade webbläsaren till sist."""
    s = requests.Session()
    r = s.get(bas + "/logga-in/oidc", allow_redirects=False, timeout=60)
    assert r.status_code == 302, r.text[:500]
    till_utfardaren = r.headers["Location"]
    r = s.post(till_utfardaren, data={"sub": sub}, allow_redirects=False, timeout=60)
    assert r.status_code == 302, r.text[:500]
    tillbaka = r.headers["Location"]
    assert tillbaka.startswith(bas + "/logga-in/oidc/svar?")
    r = s.get(tillbaka, allow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text[:500]
    return s, urljoin(bas, r.headers["Location"])


def som_klient(bas: str, s: requests.Session) -> Klient:
    k = Klient(bas)
    k.kakor = s.cookies
    k.oppnare = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(s.cookies))
    return k


def sida(k: Klient, sokvag: str) -> str:
    return text_i(k.callback("_pages_content.children", {"_pages_location.pathname": sokvag,
                                                         "_pages_location.search": ""})[2])


def test_inloggningssidan_visar_organisationens_knapp(sso_server):
    assert "Logga in med Norrtälje kommun" in sida(Klient(sso_server["bas"]), "/logga-in")


def test_rapportor_via_grupp(sso_server):
    s, mal = sso(sso_server["bas"], "anna-1")
    assert mal.endswith("/rapportera")
    text = sida(som_klient(sso_server["bas"], s), "/rapportera")
    assert "Inloggad som Anna Andersson (rapportör)" in text and "KSK/SHB, KSK/SHB/MEX" in text
    from data.konton import anvandare
    anvand_databas(sso_server["databas"])
    konto = next(k for k in anvandare.lista() if k["namn"] == "anna")
    assert konto["sso"] and konto["roll"] == "rapportor"
    assert konto["epost"] == "anna.andersson@kommun.se"          # påminnelserna (issue 22) går hit


def test_hogsta_rollen_vinner(sso_server):
    s, _ = sso(sso_server["bas"], "cia-3")
    assert "Inloggad som Cia Chef (administratör)" in sida(som_klient(sso_server["bas"], s), "/rapportera")


def test_okand_grupp_kommer_inte_in(sso_server):
    s, mal = sso(sso_server["bas"], "bo-2")
    assert mal.endswith("/logga-in?fel=ingen-roll")
    assert "Logga in för att rapportera" in sida(som_klient(sso_server["bas"], s), "/rapportera")
    assert "utan roll i Målkoll" in open(sso_server["logg"], encoding="utf-8").read()


def test_svar_utan_kaka_studsar_en_gang_och_falskt_svar_vagras(sso_server):
    """Kakan är SameSite=Strict: utfärdarens omdirigering (en annan webbplats) bär den inte, så sidan
    studsar en gång på sig själv. Ett svar utan giltigt state loggar aldrig in."""
    r = requests.get(sso_server["bas"] + "/logga-in/oidc/svar?code=x&state=y", allow_redirects=False, timeout=30)
    assert r.status_code == 200 and "igen=1" in r.text and 'http-equiv="refresh"' in r.text
    r = requests.get(sso_server["bas"] + "/logga-in/oidc/svar?code=x&state=y&igen=1", allow_redirects=False,
                     timeout=30)
    assert r.status_code == 303 and r.headers["Location"].endswith("/logga-in?fel=sso")
    assert "malkoll" not in r.cookies
