"""”Så används skattepengarna”: siffrorna ur planens budgettabeller, klarspråk, inga exempel."""
from __future__ import annotations

import json
from data.uppfoljning import fragor
from data.lagring.start import anvand_databas

import pytest

from data.planen import forbered
from data.utdata import skattepengar


@pytest.fixture(scope="module")
def databas(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sp') / 'sp.sqlite'}"
    anvand_databas(url)
    forbered.sakerstall_databas()
    yield url
    forbered.glom()


def test_siffrorna_ar_planens(databas):
    anvand_databas(databas)
    s = skattepengar.sammanstall(plan=fragor.los_plan())
    assert s.ar == 2020 and s.kommun == "Norrtälje kommun"
    assert s.netto == 228900                      # "nettokostnaderna … 228,9 miljoner kronor"
    assert s.kostnader == 329541 and s.intakter == 100641
    namn = [p.namn for p in s.verksamheter]
    assert namn[0] == "Biträdande kommundirektör" and "Effektivisering och omställning" not in namn
    assert s.besparing.belopp == 23000
    assert sum(p.belopp for p in s.verksamheter) - s.besparing.belopp == s.netto
    assert abs(sum(p.andel for p in s.verksamheter) - 100) < 1e-6
    assert s.forandring == 25000
    assert sum(p.belopp for p in s.mer) - sum(p.belopp for p in s.mindre) == s.forandring
    assert {p.namn for p in s.mindre} == {"E-handel", "Omställningar"}
    trygghet = next(p for p in s.mer if p.namn == "Trygghet")
    assert "väktare" in trygghet.fotnot              # planens skäl följer med
    assert s.investeringar_summa == 510500 and s.investeringar[0].namn == "VA, ny och befintlig miljö"


def test_bara_publicerad_uppfoljning(databas):
    anvand_databas(databas)
    s = skattepengar.sammanstall(plan=fragor.los_plan())
    assert s.uppfoljning, "kommunens publicerade budgetavvikelse ska synas"
    assert all(u["kalla_url"] and u["kalla_url"].startswith("https://") for u in s.uppfoljning)
    assert not any("Exempel" in (u["kommentar"] or "") for u in s.uppfoljning)


def test_sidan_i_klarsprak(databas, monkeypatch):
    import app
    monkeypatch.setenv("DATABASE_URL", databas)
    app.hamta_app()
    from data.lagring import installningar
    from data.lagring.installningar import Installningar
    installningar.anvand(Installningar.fran_miljo())
    from sidor import skattepengar as sida
    text = json.dumps(sida.layout().to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    for bit in ("Så används skattepengarna", "228,9\u00a0miljoner\u00a0kronor", "Vart går pengarna?",
                "Mer pengar till", "Investeringar 2020", "/api/v1/budget.csv", "Hur gick det?"):
        assert bit in text, bit
    assert "Exempel:" not in text
