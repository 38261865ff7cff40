"""Avvikelsedagordningens regel (data.uppfoljning.avvikelser): varje fall, och urvalets ?fokus=."""
from __future__ import annotations

import datetime as dt

import pytest

from data.uppfoljning import avvikelser as av
from data.uppfoljning import regler
from data.uppfoljning.status import ATGARDSSTATUS_ALLA, BEDOMNINGAR, INDIKATORSTATUS_ALLA
from data.uppfoljning.urval import Urval

SLUT = dt.date(2020, 8, 31)


@pytest.mark.parametrize("status,rapporterad,vantat", [
    ("Försenad", True, av.SENT),
    ("Försenad", False, av.FORFALLEN),
    ("Pågår med avvikelse", True, av.MED_AVVIKELSE),
    ("Genomförd", True, None),
    ("Pågår enligt plan", True, None),
    ("Ej påbörjad", True, None),
    ("Struken", True, None),
    ("Ej rapporterad", False, None),
])
def test_atgard(status, rapporterad, vantat):
    assert av.atgard(status, rapporterad) == vantat


def test_atgard_alla_statusar_har_ett_svar():
    tas_upp = {s for s in ATGARDSSTATUS_ALLA if av.atgard(s, True)}
    assert tas_upp == {"Försenad", "Pågår med avvikelse"}


@pytest.mark.parametrize("rapport,forfallo,vantat", [
    (None, dt.date(2020, 6, 30), av.FORFALLEN),               # tidpunkten passerad, ingen rapport
    ("Pågår enligt plan", dt.date(2020, 6, 30), av.SENT),     # passerad: Försenad vad rapporten än säger
    ("Genomförd", dt.date(2020, 6, 30), None),
    (None, dt.date(2020, 12, 31), None),                      # inte förfallen: Ej rapporterad tas inte upp
    (None, None, None),                                       # löpande
    ("Pågår med avvikelse", dt.date(2020, 12, 31), av.MED_AVVIKELSE),
    ("Försenad", None, av.SENT),
])
def test_atgard_med_tidpunktsregeln(rapport, forfallo, vantat):
    s = regler.atgardsstatus(rapport, forfallo, SLUT, "Juni 2020")
    assert av.atgard(s.status, rapport is not None) == vantat


@pytest.mark.parametrize("status,trend,vantat", [
    ("Ej uppnått", "", av.EJ_NATT),
    ("Ej uppnått", "sämre", av.EJ_NATT),           # det allvarligare skälet
    ("Ej uppnått", "bättre", av.EJ_NATT),
    ("Uppnått", "sämre", av.SAMRE),                # uppnått men sämre än förra perioden
    ("Delvis uppnått", "sämre", av.SAMRE),
    ("Delvis uppnått", "bättre", None),
    ("Uppnått", "oförändrad", None),
    ("Uppnått", regler.INGEN_TIDIGARE, None),      # bara ett exempel tidigare: jämförs inte
    ("Uppnått", "upp", None),                      # riktning saknas: inget omdöme
    ("Kan inte bedömas", "", None),
    ("Ej rapporterad", "", None),
    ("Uppnått", None, None),
])
def test_indikator(status, trend, vantat):
    assert av.indikator(status, trend) == vantat


def test_indikator_alla_statusar_utan_trend():
    assert {s for s in INDIKATORSTATUS_ALLA if av.indikator(s, "")} == {"Ej uppnått"}


@pytest.mark.parametrize("bedomning,vantat", [("Ej uppfyllt", av.EJ_UPPFYLLT), ("Uppfyllt", None),
                                              ("Till största delen uppfyllt", None), ("Kan inte bedömas", None),
                                              ("Ej rapporterad", None), (None, None)])
def test_inriktningsmal(bedomning, vantat):
    assert av.inriktningsmal(bedomning) == vantat
    assert BEDOMNINGAR[2] == "Ej uppfyllt"


@pytest.mark.parametrize("status,vantat", [("Underskott", av.UNDERSKOTT), ("Mindre underskott", av.UNDERSKOTT),
                                           ("I balans", None), ("Överskott", None), ("Ej rapporterad", None),
                                           ("Kan inte bedömas", None)])
def test_budgetrad(status, vantat):
    assert av.budgetrad(status) == vantat


def test_rang_allvarligast_forst():
    skal = [av.SAMRE, None, av.FORFALLEN, av.MED_AVVIKELSE, av.SENT]
    assert sorted(skal, key=av.rang) == [av.FORFALLEN, av.SENT, av.MED_AVVIKELSE, av.SAMRE, None]


def test_ovriga_i_statusordning_utan_nollor():
    antal = av.ovriga(["Ej rapporterad", "Genomförd", "Pågår enligt plan", "Genomförd"])
    assert list(antal.items()) == [("Genomförd", 2), ("Pågår enligt plan", 1), ("Ej rapporterad", 1)]
    assert av.ovriga([]) == {}
    assert list(av.ovriga(["Ej uppnått", "Uppnått"], INDIKATORSTATUS_ALLA)) == ["Uppnått", "Ej uppnått"]


@pytest.mark.parametrize("antal,slag,avv,vantat", [
    ({"Genomförd": 12, "Pågår enligt plan": 8, "Ej rapporterad": 2}, "atgarder", 3,
     "22 åtgärder till: ✓ 12 Genomförd · ► 8 Pågår enligt plan · ? 2 Ej rapporterad"),
    ({"Genomförd": 1}, "atgarder", 2, "1 åtgärd till: ✓ 1 Genomförd"),
    ({"Uppnått": 5}, "indikatorer", 0, "Alla 5 indikatorer: ✓ 5 Uppnått"),
    ({"Uppfyllt": 1}, "inriktningsmal", 0, "1 inriktningsmål: ✓ 1 Uppfyllt"),
    ({}, "indikatorer", 0, "Inga indikatorer"),
    ({}, "atgarder", 4, "Inga fler åtgärder"),
])
def test_ovrigt_text(antal, slag, avv, vantat):
    assert av.ovrigt_text(antal, slag, avv) == vantat


def test_ovrigt_text_med_egna_symboler():
    assert av.ovrigt_text({"I balans": 2, "Överskott": 1}, "budget", 5, {"I balans": "✓", "Överskott": "✓"}) == \
        "3 budgetposter till: ✓ 2 I balans · ✓ 1 Överskott"


def test_antal_text():
    assert av.antal_text(1, "indikatorer") == "1 indikator"
    assert av.antal_text(3, "atgarder") == "3 åtgärder"


def test_urvalet_bar_fokus():
    u = Urval.fran_sok("?visning=mote&fokus=avvikelser&period=Delår 2 2020", "/malomrade/1")
    assert u.fokus == "avvikelser" and u.avvikelser and not u.fel
    assert u.till_sok().endswith("visning=mote&fokus=avvikelser")
    assert Urval.fran_sok(u.till_sok(), "/malomrade/1") == u
    # utan sammanträdesläget är det ingen dagordning
    assert not Urval.fran_sok("?fokus=avvikelser").avvikelser
    # ett okänt fokus vidgas aldrig tyst
    fel = Urval.fran_sok("?visning=mote&fokus=allt")
    assert fel.fokus is None and fel.fel == ["okänt fokus ”allt”; det enda fokuset är ”avvikelser”"]
