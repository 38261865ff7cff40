"""Statusreglerna som rena funktioner – ingen databas, ingen webbläsare."""
import datetime as dt

import pytest

from data.uppfoljning.regler import (atgardsstatus, indikatorstatus, las_tidpunkt, summera_status, tolka_tidpunkt,
                                     trend)

D = dt.date


@pytest.mark.parametrize("text,vantat", [
    ("Juni 2020", D(2020, 6, 30)), ("Augusti 2020 (KS)", D(2020, 8, 31)), ("Kvartal 3", D(2020, 9, 30)),
    ("Kvartal tre 2020", D(2020, 9, 30)), ("Genomförs andra kvartalet 2020.", D(2020, 6, 30)),
    ("Före sommaren 2020", D(2020, 6, 30)), ("Innan sommaren 2020", D(2020, 6, 30)),
    ("Årsskiftet 2020/21", D(2020, 12, 31)), ("KS innan årsskiftet 2020/21", D(2020, 12, 31)),
    ("Hösten 2020", D(2020, 11, 30)), ("Kvartal 1, 2020", D(2020, 3, 31)), ("2021", D(2021, 12, 31)),
    ("Omorganisation ska genomföras under 2020.", D(2020, 12, 31)),
    ("I samband med delårsrapport 2", D(2020, 8, 31)),
    ("Förslag under första kvartalet, implementering fr o m andra kvartalet 2020.", D(2020, 6, 30)),
    ("Strategisk lokalförsörjningsplan tas i samband med att Mål och budget för 2021-2023 beslutas.", D(2020, 11, 30)),
    ("Löpande", None), ("Löpande, status i delårsrapporter", None), ("", None), (None, None),
    ("Avrapportering efter genomfört möte", None),
])
def test_tolka_tidpunkt(text, vantat):
    assert tolka_tidpunkt(text, 2020) == vantat


# Issue 20: varje form som en plan skriver, i en plan för 2025 med egna perioder
PERIODER_2025 = {"Tertial 1 2025": D(2025, 4, 30), "Tertial 2 2025": D(2025, 8, 31),
                 "Delårsbokslut augusti 2025": D(2025, 9, 15), "Årsredovisning 2025": D(2025, 12, 31)}


@pytest.mark.parametrize("text,vantat", [
    # ISO-datum och "Senast <datum>" i alla former
    ("2025-10-31", D(2025, 10, 31)), ("senast 2025-09-30", D(2025, 9, 30)),
    ("Senast 2025-9-30.", D(2025, 9, 30)),
    ("Senast 30 september 2025", D(2025, 9, 30)), ("senast den 30 september 2025", D(2025, 9, 30)),
    ("Senast 15 juni", D(2025, 6, 15)),                    # utan år: planåret
    ("Klart senast 1 sept. 2026", D(2026, 9, 1)), ("senast 30 sep 2025", D(2025, 9, 30)),
    ("Senast september 2025", D(2025, 9, 30)), ("Senast 2026", D(2026, 12, 31)),
    ("Beslut 12 mars, genomfört senast 2025-11-15", D(2025, 11, 15)),
    # Kvartal och tertial med och utan år
    ("Kvartal 2 2025", D(2025, 6, 30)), ("Q3 2025", D(2025, 9, 30)), ("q1", D(2025, 3, 31)),
    ("Kvartal 4", D(2025, 12, 31)), ("kv 2 2026", D(2026, 6, 30)), ("Kvartal 1, 2026", D(2026, 3, 31)),
    ("tertial 2", D(2025, 8, 31)), ("Tertial 1 2026", D(2026, 4, 30)), ("tredje tertialet", D(2025, 12, 31)),
    ("Andra tertialet 2026", D(2026, 8, 31)),
    # Terminer och läsår
    ("Höstterminen 2025", D(2025, 12, 31)), ("Vårterminen 2026", D(2026, 6, 30)),
    ("under höstterminen", D(2025, 12, 31)), ("HT25", D(2025, 12, 31)), ("VT 2026", D(2026, 6, 30)),
    ("Läsåret 2025/26", D(2026, 6, 30)), ("läsåret 2025/2026", D(2026, 6, 30)),
    ("Under läsåret 2026-27", D(2027, 6, 30)),
    # Planens egna perioder
    ("i samband med Tertial 2 2025", D(2025, 8, 31)), ("Redovisas i tertial 2 2025", D(2025, 8, 31)),
    ("Rapporteras i Delårsbokslut augusti 2025", D(2025, 9, 15)),   # periodens slutdatum, inte månadens
    ("I Årsredovisning 2025", D(2025, 12, 31)),
    # Mål och budget: 30 november året före det första året
    ("I samband med att Mål och budget 2027–2029 beslutas", D(2026, 11, 30)),
    ("i samband med Mål och budget för 2026-2028", D(2025, 11, 30)), ("M&B 2027", D(2026, 11, 30)),
    # Flera tidpunkter: den senaste
    ("Förslag tertial 1, beslut Höstterminen 2025", D(2025, 12, 31)),
    # Löpande: inget datum, ingen varning
    ("Löpande", None), ("Redovisas löpande i nämnden", None), ("Månatlig avrapportering", None),
])
def test_tolka_tidpunkt_alla_former(text, vantat):
    t = las_tidpunkt(text, 2025, PERIODER_2025)
    assert t.datum == vantat
    assert (t.fel == "") and (t.lopande == (vantat is None))
    assert tolka_tidpunkt(text, 2025, PERIODER_2025) == vantat


@pytest.mark.parametrize("text,i_skalet,omojlig", [
    ("Avrapportering efter genomfört möte", "inget datum", False),
    ("I enlighet med tidplan för strategin", "inget datum", False),
    ("Under läsåret", "läsåret står utan år", False),
    ("Senast 2025-04-31", "'2025-04-31' är inget datum som finns", True),
    ("senast 30 februari 2026", "'30 februari 2026' är inget datum som finns", True),
    ("Läsåret 2025/27", "'läsåret 2025/27' är inget läsår", True),
])
def test_olaslig_tidpunkt_ger_skal_och_inget_datum(text, i_skalet, omojlig):
    t = las_tidpunkt(text, 2025, PERIODER_2025)
    assert t.datum is None and not t.lopande and i_skalet in t.fel and t.omojlig == omojlig


def test_utan_planar_ingen_krasch():
    # plan.yaml utan år (felet sägs där): en tidpunkt utan år kan inte läsas, men inget kraschar
    t = las_tidpunkt("Kvartal 4", 0)
    assert t.datum is None and "planåret saknas" in t.fel


def test_periodnamn_utan_perioder_laser_frasen_generellt():
    # Utan planens perioder läses "Tertial 2 2025" som tertialets slut (31 augusti)
    assert tolka_tidpunkt("i samband med Tertial 2 2025", 2024) == D(2025, 8, 31)
    assert tolka_tidpunkt("Rapporteras i Delårsbokslut augusti 2025", 2025) == D(2025, 8, 31)


@pytest.mark.parametrize("utfall,mal,riktning,nuvarde,maltext,vantat", [
    (2.6, 2.6, "hogre", 1.8, None, "Uppnått"),
    (2.0, 2.6, "hogre", 1.8, None, "Delvis uppnått"),
    (1.5, 2.6, "hogre", 1.8, None, "Ej uppnått"),
    (1.8, 2.6, "hogre", 1.8, None, "Ej uppnått"),     # lika med nuvärdet är inte bättre
    (25000, 26000, "lagre", 23834, None, "Uppnått"),
    (27000, 26000, "lagre", 28000, None, "Delvis uppnått"),
    (169, 156, "lagre", 196, None, "Delvis uppnått"),  # Företagsklimat 2021
    (None, 2.6, "hogre", 1.8, None, "Ej rapporterad"),
    (5, None, "hogre", None, ">0", "Uppnått"),         # strikt ">0"
    (0, None, "hogre", None, ">0", "Ej uppnått"),
    (5, None, "hogre", None, None, "Kan inte bedömas"),
    (5, 3, None, None, None, "Kan inte bedömas"),
])
def test_indikatorstatus(utfall, mal, riktning, nuvarde, maltext, vantat):
    assert indikatorstatus(utfall, mal, riktning, nuvarde, maltext).status == vantat


def test_kan_inte_bedomas_manuellt():
    s = indikatorstatus(4.6, 2.6, "hogre", 1.8, kan_inte_bedomas=True, skal_manuellt="Mätningen gjordes inte")
    assert (s.status, s.skal) == ("Kan inte bedömas", "Mätningen gjordes inte")


def test_atgardsstatus_forsenad_oavsett_rapport():
    slut = D(2020, 12, 31)
    s = atgardsstatus("Pågår enligt plan", D(2020, 6, 30), slut, "Före sommaren 2020")
    assert s.status == "Försenad" and "Före sommaren 2020" in s.skal and "Pågår enligt plan" in s.skal
    assert atgardsstatus(None, D(2020, 6, 30), slut).status == "Försenad"
    assert atgardsstatus("Genomförd", D(2020, 6, 30), slut).status == "Genomförd"
    assert atgardsstatus("Struken", D(2020, 6, 30), slut).status == "Struken"
    assert atgardsstatus(None, D(2020, 12, 31), slut).status == "Ej rapporterad"   # inte passerad än
    assert atgardsstatus("Pågår med avvikelse", None, slut).status == "Pågår med avvikelse"  # Löpande
    assert atgardsstatus(None, None, slut).status == "Ej rapporterad"


def test_summera_och_trend():
    antal = summera_status(["Genomförd", "Försenad", "Genomförd"])
    assert antal["Genomförd"] == 2 and antal["Försenad"] == 1 and antal["Ej rapporterad"] == 0
    assert list(antal)[0] == "Genomförd"
    assert trend(1.6, 4.6, "hogre") == "bättre" and trend(196, 169, "lagre") == "bättre"
    assert trend(4.6, 1.6, "hogre") == "sämre" and trend(None, 1, "hogre") == ""


# --- Standardperiod, målområdets status, förändringar ---

from data.uppfoljning import regler  # noqa: E402


def test_standardperiod_senaste_med_atgarder():
    p = [("D1", True, True), ("D2", True, True), ("Å20", False, True), ("Å21", False, False)]
    assert regler.standardperiod(p) == ("D2", regler.SKAL_ATGARDER)


def test_standardperiod_faller_tillbaka_pa_nagon_rapport_och_forsta():
    assert regler.standardperiod([("D1", False, True), ("D2", False, False)]) == ("D1", regler.SKAL_NAGOT)
    assert regler.standardperiod([("D1", False, False), ("D2", False, False)]) == ("D1", regler.SKAL_FORSTA)
    assert regler.standardperiod([]) == (None, regler.SKAL_FORSTA)


@pytest.mark.parametrize("atg,ind,vantat", [
    (["Genomförd", "Pågår enligt plan", "Pågår enligt plan"], ["Uppnått"], "I fas"),
    (["Genomförd", "Försenad", "Försenad"], ["Uppnått"], "Ej i fas"),
    (["Genomförd", "Pågår med avvikelse", "Ej påbörjad"], ["Uppnått"], "Delvis i fas"),
    (["Genomförd", "Ej rapporterad", "Ej rapporterad", "Ej rapporterad"], ["Ej rapporterad"], "Kan inte bedömas"),
    ([], [], "Kan inte bedömas"),
    (["Struken", "Genomförd"], ["Kan inte bedömas"], "I fas"),
    (["Genomförd", "Genomförd", "Försenad"], [], "I fas"),          # 1/3 dåligt är inte "mer än"
    (["Genomförd", "Försenad"], [], "Ej i fas"),
])
def test_malomradesstatus(atg, ind, vantat):
    s = regler.malomradesstatus(atg, ind)
    assert s.status == vantat
    assert s.skal


def test_malomradesstatus_raknar():
    s = regler.malomradesstatus(["Genomförd", "Försenad", "Ej rapporterad", "Struken"], ["Delvis uppnått"])
    assert (s.bra, s.mellan, s.daligt, s.totalt, s.underlag) == (1, 1, 1, 4, 3)


@pytest.mark.parametrize("fore,nu,vantat", [
    ("Pågår med avvikelse", "Pågår enligt plan", "bättre"), ("Pågår enligt plan", "Försenad", "sämre"),
    (None, "Genomförd", "ny rapport"), ("Ej rapporterad", "Försenad", "ny rapport"),
    ("Genomförd", "Genomförd", "oförändrad"), ("Pågår enligt plan", "Struken", "ändrad"),
    ("Pågår enligt plan", "Ej rapporterad", "ingen ny rapport"), ("Delvis uppnått", "Uppnått", "bättre"),
    ("Uppnått", "Ej uppnått", "sämre"),
])
def test_forandring(fore, nu, vantat):
    assert regler.forandring(fore, nu) == vantat


def test_forandring_forsenad_enligt_regeln_ar_ingen_ny_rapport():
    assert regler.forandring("Ej rapporterad", "Försenad", rapporterad_nu=False) == "sämre"
    assert regler.forandring("Ej rapporterad", "Försenad", rapporterad_nu=True) == "ny rapport"


def test_forsenad_utan_rapport_ar_inget_underlag():
    assert regler.atgard_for_sammanfattning("Försenad", False) == "Ej rapporterad"
    assert regler.atgard_for_sammanfattning("Försenad", True) == "Försenad"
    s = regler.malomradesstatus([regler.atgard_for_sammanfattning("Försenad", False)] * 5, ["Uppnått"])
    assert s.status == "Kan inte bedömas"


def test_forandringsantal_pa_svenska():
    """Sammanfattningen per målområde: "↓ 2 sämre · + 1 ny rapport" (ental och flertal rätt)."""
    import pandas as pd

    from data.uppfoljning import regler
    from komponenter.mote import forandringsantal
    df = pd.DataFrame({"forandring": [regler.SAMRE, regler.SAMRE, regler.NY_RAPPORT, regler.ANDRAD]})
    assert forandringsantal(df) == (f"{regler.PILAR[regler.SAMRE]} 2 sämre · {regler.PILAR[regler.NY_RAPPORT]} 1 ny rapport"
                                    f" · {regler.PILAR[regler.ANDRAD]} 1 ändrad")
    df = pd.DataFrame({"forandring": [regler.NY_RAPPORT] * 3 + [regler.ANDRAD] * 2})
    assert "3 nya rapporter" in forandringsantal(df) and "2 ändrade" in forandringsantal(df)
    assert forandringsantal(df.iloc[:0]) == "Inga förändringar"


@pytest.mark.parametrize("atg, ind, for_lite, text", [
    (["Genomförd", "Ej rapporterad", "Ej rapporterad", "Struken"], ["Ej rapporterad", "Kan inte bedömas"], True,
     "1 av 3 åtgärder och 0 av 2 indikatorer bedömda för P"),
    (["Genomförd", "Försenad"], ["Ej rapporterad", "Uppnått"], False, "2 av 2 åtgärder och 1 av 2 indikatorer bedömda för P"),
    (["Pågår med avvikelse", "Ej rapporterad"], [], False, "1 av 2 åtgärder bedömda för P"),   # hälften räcker
    (["Ej rapporterad"], [], True, "0 av 1 åtgärder bedömda för P"),
])
def test_bedomda_och_for_lite(atg, ind, for_lite, text):
    b = regler.bedomda(atg, ind)
    assert (b.for_lite, b.text("P")) == (for_lite, text)


@pytest.mark.parametrize("i_url, i_valjaren, standard, vantat", [
    (None, "Årsredovisning 2021", "Årsredovisning 2021", None),          # sidbyte: ingen har valt
    (None, "Delår 2 2020", "Årsredovisning 2021", "Delår 2 2020"),       # ett val
    ("Delår 2 2020", "Årsredovisning 2021", None, "Årsredovisning 2021"),  # tillbaka till standard är ett val
    ("Delår 2 2020", "Delår 2 2020", None, "Delår 2 2020"),
])
def test_standardperioden_blir_inte_vald_av_ett_sidbyte(i_url, i_valjaren, standard, vantat):
    from komponenter.filter import filter_fran_kontroller
    from data.uppfoljning.urval import Urval
    ny = filter_fran_kontroller(Urval(period=i_url), [], [], i_valjaren, [], standard)
    assert ny.period == vantat
