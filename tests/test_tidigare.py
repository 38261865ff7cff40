"""Ärliga förändringar: ett visat värde jämförs bara med ett tidigare av samma slag (publicerat eller
rapporterat mot publicerat eller rapporterat; exempel bara mot exempel), det enda tidigare exemplet nämns
men jämförs aldrig, och trendpilen följer värdet medan ordet följer indikatorns riktning."""
from __future__ import annotations

import pytest

from data.uppfoljning import regler, tidigare
from data.uppfoljning.tidigare import INGEN_TIDIGARE, Tidigare
from data.uppfoljning.ursprung import EXEMPEL, PUBLICERAT, RAPPORTERAT

D1, D2, AR = "Delår 1 2020", "Delår 2 2020", "Årsredovisning 2020"


@pytest.mark.parametrize("fall, nu, nu_urs, riktning, historik, trend, rorelse, fore, exempel", [
    ("publicerat→rapporterat", 12.0, RAPPORTERAT, "hogre", [Tidigare(D1, 10.0, PUBLICERAT)],
     "bättre", "upp", Tidigare(D1, 10.0, PUBLICERAT), None),
    ("rapporterat→rapporterat", 8.0, RAPPORTERAT, "hogre", [Tidigare(D1, 10.0, RAPPORTERAT)],
     "sämre", "ned", Tidigare(D1, 10.0, RAPPORTERAT), None),
    # exemplet i Delår 2 hoppas över: jämförs med det publicerade i Delår 1
    ("exempel→publicerat", 4.6, PUBLICERAT, "hogre", [Tidigare(D1, 1.6, PUBLICERAT), Tidigare(D2, 9.0, EXEMPEL)],
     "bättre", "upp", Tidigare(D1, 1.6, PUBLICERAT), None),
    ("bara exempel tidigare", 20.0, RAPPORTERAT, "lagre", [Tidigare(D2, 18.0, EXEMPEL)],
     INGEN_TIDIGARE, "", None, Tidigare(D2, 18.0, EXEMPEL)),
    ("lägre är bättre, minskning", 169.0, PUBLICERAT, "lagre", [Tidigare(D1, 176.0, PUBLICERAT)],
     "bättre", "ned", Tidigare(D1, 176.0, PUBLICERAT), None),
    ("högre är bättre, minskning", 169.0, PUBLICERAT, "hogre", [Tidigare(D1, 176.0, PUBLICERAT)],
     "sämre", "ned", Tidigare(D1, 176.0, PUBLICERAT), None),
    ("oförändrat", 5.0, PUBLICERAT, "lagre", [Tidigare(D1, 5.0, RAPPORTERAT)],
     "oförändrad", "lika", Tidigare(D1, 5.0, RAPPORTERAT), None),
    ("inget tidigare värde", 5.0, PUBLICERAT, "hogre", [], "", "", None, None),
    # utan värde nu ingen trend, men det senaste verkliga utfallet (aldrig ett exempel) följer med
    ("inget värde nu", None, None, "hogre", [Tidigare(D1, 5.0, PUBLICERAT), Tidigare(D2, 7.0, EXEMPEL)], "", "",
     Tidigare(D1, 5.0, PUBLICERAT), None),
    ("exempel mot exempel", 3.0, EXEMPEL, "hogre", [Tidigare(D1, 5.0, PUBLICERAT), Tidigare(D2, 2.0, EXEMPEL)],
     "bättre", "upp", Tidigare(D2, 2.0, EXEMPEL), None),
    # ett exempel jämförs aldrig med kommunens värde (och nämner det inte som "exempel")
    ("exempel nu, bara publicerat tidigare", 3.0, EXEMPEL, "hogre", [Tidigare(D1, 5.0, PUBLICERAT)],
     "", "", None, None),
    ("utan riktning", 3.0, PUBLICERAT, None, [Tidigare(D1, 5.0, PUBLICERAT)], "ned", "ned",
     Tidigare(D1, 5.0, PUBLICERAT), None),
])
def test_trend_bara_mot_samma_slag(fall, nu, nu_urs, riktning, historik, trend, rorelse, fore, exempel):
    t = tidigare.trend(nu, nu_urs, riktning, historik)
    assert (t.trend, t.rorelse, t.fore, t.exempel) == (trend, rorelse, fore, exempel), fall


@pytest.mark.parametrize("trend, rorelse, fore, period, ex, ex_period, enhet, text", [
    ("bättre", "ned", 176.0, D1, None, None, "kr", "↘ bättre (förut 176\u00a0kr i Delår 1 2020)"),
    ("sämre", "ned", 1234.5, D1, None, None, "%", "↘ sämre (förut 1\u00a0234,5\u00a0% i Delår 1 2020)"),
    ("bättre", "upp", 1.6, D1, None, None, "%", "↗ bättre (förut 1,6\u00a0% i Delår 1 2020)"),
    (INGEN_TIDIGARE, "", None, None, 18.0, D2, "antal", "? ingen tidigare rapport (förut 18 i Delår 2 2020, exempel)"),
    ("", "", None, None, None, None, "%", ""),
])
def test_trendtext_pil_efter_vardet_ord_efter_riktningen(trend, rorelse, fore, period, ex, ex_period, enhet, text):
    assert tidigare.trendtext(trend, rorelse, fore, period, ex, ex_period, enhet) == text


@pytest.mark.parametrize("fall, nu, nu_urs, rapporterad_nu, historik, forandring, fore, fore_exempel", [
    ("publicerat→rapporterat", regler.GENOMFORD, RAPPORTERAT, True, [Tidigare(D1, regler.PAGAR, PUBLICERAT)],
     regler.BATTRE, regler.PAGAR, False),
    ("rapporterat→rapporterat", regler.FORSENAD, RAPPORTERAT, True, [Tidigare(D1, regler.PAGAR, RAPPORTERAT)],
     regler.SAMRE, regler.PAGAR, False),
    # status då utan exemplet (Försenad) går före exemplets (Pågår enligt plan)
    ("exempel→publicerat", regler.GENOMFORD, PUBLICERAT, True,
     [Tidigare(D2, regler.FORSENAD, PUBLICERAT), Tidigare(D2, regler.PAGAR, EXEMPEL)], regler.BATTRE, regler.FORSENAD,
     False),
    # Årsredovisning 2020, 1-A02: "Försenad ↓ sämre, förut Pågår enligt plan" jämförde med exemplet
    ("bara exempel tidigare", regler.FORSENAD, PUBLICERAT, True,
     [Tidigare(D2, regler.EJ_RAPPORTERAD, None), Tidigare(D2, regler.PAGAR, EXEMPEL)],
     INGEN_TIDIGARE, regler.PAGAR, True),
    ("bara exempel tidigare, härledd status nu", regler.FORSENAD, None, False, [Tidigare(D2, regler.PAGAR, EXEMPEL)],
     INGEN_TIDIGARE, regler.PAGAR, True),
    ("bara exempel tidigare, ingen rapport nu", regler.EJ_RAPPORTERAD, None, False,
     [Tidigare(D2, regler.PAGAR, EXEMPEL)], regler.OFORANDRAD, None, False),
    # Delår 2 2020, 1-A17: exemplet "Ej påbörjad" är ingen försämring av kommunens Genomförd
    ("exempel nu, publicerat tidigare", regler.EJ_PABORJAD, EXEMPEL, True, [Tidigare(D1, regler.GENOMFORD, PUBLICERAT)],
     regler.NY_RAPPORT, None, False),
    ("inget tidigare värde", regler.PAGAR, PUBLICERAT, True, [], regler.NY_RAPPORT, None, False),
    ("indikatorstatus", regler.UPPNATT, PUBLICERAT, True, [Tidigare(D1, regler.EJ_UPPNATT, PUBLICERAT)],
     regler.BATTRE, regler.EJ_UPPNATT, False),
])
def test_status_bara_mot_samma_slag(fall, nu, nu_urs, rapporterad_nu, historik, forandring, fore, fore_exempel):
    a = tidigare.statusandring(nu, nu_urs, rapporterad_nu, historik)
    assert (a.forandring, a.fore, a.fore_exempel) == (forandring, fore, fore_exempel), fall
