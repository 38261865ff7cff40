"""Issue 20: exakt inläsning och tidpunkter som betyder det de säger.

- Varje felaktig indata ger ett fel med fil och post (ren läsning, ingen databas), och kommandot
  svarar med en svensk rad och slutkod 2 – aldrig en traceback.
- Efter en inläsning är databasen filerna: borttagna målområden, inriktningsmål, uppdrag,
  åtgärder, indikatorer, perioder och enheter försvinner – utom när rapporter, låsningar eller
  konton pekar på dem; då vägras hela inläsningen med besked och databasen är orörd
  (SQLite och PostgreSQL).
- Oläsliga tidpunkter blir varningar (fil, post, text) som lagras och visas för administratören.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.lagring import db, installningar, start
from data.lagring.models import (Analystext, Atgard, Atgardsrapport, Enhet, Indikator, Inriktningsmal,
                                 KontoRatt, Konto, Malomrade, Period, Plan, Rapportrunda, Rundahandelse, Uppdrag)
from data.planen import ladda
from data.uppfoljning import fragor
from data.planen.kallor import KallfilFel, las_plan

ROT = Path(__file__).resolve().parent.parent
TESTKOPING = ROT / "tests" / "data" / "plan_testkoping"


def _kopia(tmp_path: Path, namn: str = "plan") -> Path:
    kat = tmp_path / namn
    shutil.copytree(TESTKOPING, kat)
    return kat


def _andra(kat: Path, fil: str, gammalt: str, nytt: str) -> None:
    p = kat / fil
    text = p.read_text(encoding="utf-8")
    assert gammalt in text, (fil, gammalt)
    p.write_text(text.replace(gammalt, nytt, 1), encoding="utf-8")


def _lagg_till(kat: Path, fil: str, text: str) -> None:
    p = kat / fil
    p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")


BUDGET = {  # en minimal budget (alla fyra filer), en rad per fil
    "driftbudget.csv": "post,typ,Budget 2023,Plan 2024\nIntäkter,belopp,100,110\n",
    "budgetforandringar.csv": "post,typ,Budget 2023,forklaring\nDigitalisering,belopp,-10,\n",
    "drift_per_verksamhet.csv": "post,typ,Budget 2023\nKommunledning,belopp,-50\n",
    "investeringar.csv": "grupp,post,typ,2023\nInvesteringar,Skolor,belopp,25\n",
}


def _med_budget(kat: Path) -> Path:
    for fil, text in BUDGET.items():
        (kat / fil).write_text(text, encoding="utf-8")
    return kat


HR = """
    indikatorer:
      - {id: HR-I01, namn: Sjukfrånvaro, enhet: "%", riktning: lagre, mal_2023: 5, ansvarig: KSK}
"""

# (beskrivning, ändring av kopian, väntat i felet): varje felaktig indata i issue 20 och fler
FEL = [
    ("periodnamn två gånger", lambda k: _andra(k, "plan.yaml", "{namn: Tertial 2 2023,", "{namn: Tertial 1 2023,"),
     "plan.yaml, period nr 2 (Tertial 1 2023): perioden 'Tertial 1 2023' finns redan som period nr 1"),
    ("period utan namn", lambda k: _andra(k, "plan.yaml", "{namn: Tertial 2 2023, typ", "{typ"),
     "plan.yaml, period nr 2: fältet 'namn' saknas"),
    ("omöjligt slutdatum", lambda k: _andra(k, "plan.yaml", "slutdatum: 2023-04-30", "slutdatum: 2023-04-31"),
     "plan.yaml, period nr 1 (Tertial 1 2023): 'slutdatum' '2023-04-31' är inget datum som finns"),
    ("slutdatum som text", lambda k: _andra(k, "plan.yaml", "slutdatum: 2023-04-30", "slutdatum: sista april"),
     "plan.yaml, period nr 1 (Tertial 1 2023): 'slutdatum' ska vara ett datum ÅÅÅÅ-MM-DD, inte 'sista april'"),
    ("perioden är ingen post", lambda k: _andra(k, "plan.yaml", "  - {namn: Tertial 1 2023, typ: tertial1, slutdatum: 2023-04-30}",
                                                "  - Tertial 1 2023"),
     "plan.yaml, period nr 1: ska vara en post med namn, typ och slutdatum, inte 'Tertial 1 2023'"),
    ("omöjligt tidpunkt_datum", lambda k: _andra(k, "malomrade_1.yaml", "tidpunkt: Juni 2023",
                                                 "tidpunkt: Juni 2023\n        tidpunkt_datum: 2023-06-31"),
     "malomrade_1.yaml, åtgärd 1-A01: 'tidpunkt_datum' '2023-06-31' är inget datum som finns"),
    ("omöjligt datum i tidpunkten", lambda k: _andra(k, "malomrade_1.yaml", "tidpunkt: Juni 2023",
                                                     'tidpunkt: "Senast 2025-04-31"'),
     "malomrade_1.yaml, åtgärd 1-A01: tidpunkten 'Senast 2025-04-31': '2025-04-31' är inget datum som finns"),
    ("omöjligt datum som tidpunkt", lambda k: _andra(k, "malomrade_1.yaml", "tidpunkt: Juni 2023",
                                                     "tidpunkt: 2025-04-31"),
     "malomrade_1.yaml, åtgärd 1-A01: fältet 'tidpunkt': '2025-04-31' är inget datum som finns"),
    ("åtgärds-id två gånger", lambda k: _andra(k, "malomrade_1.yaml", "- id: 1-A02", "- id: 1-A01"),
     "malomrade_1.yaml, åtgärd 1-A01: id:t används redan"),
    ("inriktningsmål två gånger", lambda k: _andra(k, "malomrade_1.yaml", "inriktningsmal:\n",
                                                   'inriktningsmal:\n  - {nr: "1.1", titel: Igen}\n'),
     "malomrade_1.yaml, inriktningsmål 1.1: numret finns två gånger i målområdet"),
    ("HR-indikator med ett målområdes id", lambda k: (k / "arbetsgivare.yaml").write_text(
        "titel: Arbetsgivaren\npersonalmal: Bra\nfokusomraden:\n  - nr: 1\n    titel: Hälsa\n"
        + HR.replace("HR-I01", "1-I01"), encoding="utf-8"),
     "arbetsgivare.yaml, indikator 1-I01: id:t används redan"),
    ("enhetskod två gånger", lambda k: _lagg_till(k, "enheter.yaml", "  - {kod: SBF, namn: Igen}\n"),
     "enheter.yaml, enhet SBF: koden finns två gånger"),
    ("okänd budgetrubrik", lambda k: _andra(_med_budget(k), "driftbudget.csv", "Budget 2023,", "Budget 2023 (tkr),"),
     "driftbudget.csv, rubrikraden: kolumn 3 har rubriken 'Budget 2023 (tkr)', som inte är känd"),
    ("budgetrubrik två gånger", lambda k: _andra(_med_budget(k), "driftbudget.csv", "Plan 2024\n", "Budget 2023\n"),
     "driftbudget.csv, rubrikraden: kolumnen 'Budget 2023' finns 2 gånger"),
    ("budgetpost två gånger", lambda k: _lagg_till(_med_budget(k), "investeringar.csv", "Investeringar,Skolor,belopp,5\n"),
     "investeringar.csv, rad 3 (Skolor): posten 'Skolor' finns redan på en rad ovanför"),
    ("budgetbelopp som inte är ändligt", lambda k: _andra(_med_budget(k), "budgetforandringar.csv",
                                                          "Digitalisering,belopp,-10,", "Digitalisering,forandring_procent,nan,"),
     "budgetforandringar.csv, rad 2 (Digitalisering), kolumn 'Budget 2023': 'nan' är inget tal"),
    ("budgetrad med fler fält", lambda k: _lagg_till(_med_budget(k), "drift_per_verksamhet.csv", "Kultur,belopp,-5,7\n"),
     "drift_per_verksamhet.csv, rad 3 (Kultur): raden har fler fält än rubrikraden"),
    ("filen är en lista", lambda k: (k / "enheter.yaml").write_text("- KSK\n", encoding="utf-8"),
     "enheter.yaml, filen: ska vara en post (nyckel: värde), inte list"),
    ("filen är inte UTF-8", lambda k: (k / "malomrade_2.yaml").write_bytes("titel: Målområde två".encode("latin-1")),
     "malomrade_2.yaml: filen är inte text i UTF-8"),
    ("för långt id", lambda k: _andra(k, "enheter.yaml", "kod: SBF", "kod: " + "S" * 101),
     f"enheter.yaml, enhet {'S' * 40}: fältet 'kod' har 101 tecken; högst 100 får plats"),
    ("för långt periodnamn", lambda k: _andra(k, "plan.yaml", "{namn: Tertial 1 2023,", "{namn: Tertial 1 2023" + "x" * 90 + ","),
     "fältet 'namn' har 104 tecken; högst 100 får plats"),
    ("läsår som inte finns", lambda k: _andra(k, "malomrade_1.yaml", "tidpunkt: Juni 2023", "tidpunkt: Läsåret 2023/25"),
     "malomrade_1.yaml, åtgärd 1-A01: tidpunkten 'Läsåret 2023/25': 'läsåret 2023/25' är inget läsår"),
]


@pytest.mark.parametrize("beskrivning,andra,vantat", FEL, ids=[f[0] for f in FEL])
def test_felaktig_indata_ger_fel_med_fil_och_post(tmp_path, beskrivning, andra, vantat):
    kat = _kopia(tmp_path)
    andra(kat)
    with pytest.raises(KallfilFel) as e:
        las_plan(kat)
    assert any(vantat in f for f in e.value.fel), e.value.fel


def test_budget_med_kanda_rubriker_las_med_alla_belopp(tmp_path):
    plan = las_plan(_med_budget(_kopia(tmp_path)))
    belopp = {(r["post"], b["kolumn"]): (b["slag"], b["ar"], b["varde"]) for r in plan["budget"] for b in r["belopp"]}
    assert belopp[("Intäkter", "Budget 2023")] == ("Budget", 2023, 100)
    assert belopp[("Intäkter", "Plan 2024")] == ("Plan", 2024, 110)
    assert belopp[("Skolor", "2023")] == (None, 2023, 25)


# --- Kommandot: en svensk rad, slutkod 2, ingen traceback ---

@pytest.fixture
def kommandodatabas(tmp_path, monkeypatch):
    """Kommandots databas: en tom SQLite-fil; kommandot fyller den som appen (utan exempel)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'k.sqlite'}")
    monkeypatch.setenv("MALKOLL_EXEMPEL", "nej")
    monkeypatch.setenv("MALKOLL_PLANKATALOG", str(TESTKOPING))
    yield
    from data.planen import forbered
    forbered.glom()


@pytest.mark.parametrize("beskrivning,andra,vantat", [FEL[1], FEL[2], FEL[12]], ids=["utan namn", "2023-04-31", "budgetrubrik"])
def test_kommandot_svarar_med_fil_och_post_och_slutkod_2(kommandodatabas, tmp_path, capsys, beskrivning, andra, vantat):
    from data import ladda as kommandot
    kat = _kopia(tmp_path, "trasig")
    andra(kat)
    assert kommandot.main(["--katalog", str(kat)]) == 2
    ut = capsys.readouterr()
    assert vantat in ut.err and "Traceback" not in ut.err + ut.out


def test_kommandot_okand_katalog_och_fel_plan(kommandodatabas, tmp_path, capsys):
    from data import ladda as kommandot
    assert kommandot.main(["--katalog", str(tmp_path / "finns-inte")]) == 2
    assert "katalogen" in capsys.readouterr().err
    assert kommandot.main(["--katalog", str(TESTKOPING), "--plan", "KS-2020"]) == 2
    assert "innehåller planen 'TK-2023', inte 'KS-2020'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        kommandot.main(["--okand-flagga"])
    assert e.value.code == 2
    fel = capsys.readouterr().err
    assert fel.strip().splitlines()[-1].startswith("Fel: ") and "Traceback" not in fel


# --- Exakt inläsning (SQLite och PostgreSQL) ---

@pytest.fixture
def aktiv_databas(tom_databas):
    """Den tomma databasen som processens databas (som ett kommando eller appen startar den)."""
    start.starta(installningar.aktuella().med(databas_url=tom_databas))
    yield tom_databas


def _koder(kod: str) -> dict:
    with db.session() as s:
        pid = s.scalar(select(Plan.id).where(Plan.kod == kod))
        mo = s.scalars(select(Malomrade.nr).where(Malomrade.plan_id == pid)).all()
        return {
            "malomraden": set(mo),
            "inriktningsmal": set(s.scalars(select(Inriktningsmal.nr).join(Malomrade).where(Malomrade.plan_id == pid))),
            "uppdrag": set(s.scalars(select(Uppdrag.kod).where(Uppdrag.plan_id == pid))),
            "atgarder": set(s.scalars(select(Atgard.kod).where(Atgard.plan_id == pid))),
            "indikatorer": set(s.scalars(select(Indikator.kod).where(Indikator.plan_id == pid))),
            "perioder": set(s.scalars(select(Period.namn).where(Period.plan_id == pid))),
            "enheter": set(s.scalars(select(Enhet.kod).where(Enhet.plan_id == pid))),
        }


def _filernas_koder(kat: Path) -> dict:
    p = las_plan(kat)
    return {
        "malomraden": {m["nr"] for m in p["malomraden"]},
        "inriktningsmal": {i["nr"] for m in p["malomraden"] for i in m["inriktningsmal"]},
        "uppdrag": {u["kod"] for m in p["malomraden"] for u in m["uppdrag"]},
        "atgarder": {a["kod"] for m in p["malomraden"] for u in m["uppdrag"] for a in u["atgarder"]},
        "indikatorer": {i["kod"] for m in p["malomraden"] for i in m["indikatorer"]},
        "perioder": {x["namn"] for x in p["perioder"]},
        "enheter": {e["kod"] for e in p["enheter"]},
    }


def _ta_bort_ur_filerna(kat: Path) -> None:
    """Ett målområde, ett inriktningsmål, ett uppdrag, en åtgärd, en indikator, en period och en enhet."""
    (kat / "malomrade_9.yaml").unlink()
    _andra(kat, "plan.yaml", "  - {namn: Tertial 1 2024, typ: tertial1, slutdatum: 2024-04-30}\n", "")
    p = kat / "malomrade_2.yaml"
    text = p.read_text(encoding="utf-8")
    text = re.sub(r"  - id: 2-U02\n(?:    .*\n|      .*\n)*", "", text)          # uppdraget med sina åtgärder
    text = re.sub(r"      - id: 2-A02\n(?:        .*\n)*", "", text)             # en åtgärd
    text = re.sub(r"  - id: 2-I02\n(?:    .*\n)*", "", text)                     # en indikator
    text = re.sub(r'  - nr: "2.2"\n(?:    .*\n)*', "", text)                      # ett inriktningsmål
    p.write_text(text, encoding="utf-8")
    _andra(kat, "enheter.yaml", "  - kod: KSK/DIGI\n    namn: Digitaliseringsenheten\n    alias: [Digi]\n", "")
    for fil in kat.glob("malomrade_*.yaml"):   # enheten används inte längre
        fil.write_text(fil.read_text(encoding="utf-8").replace('ansvar: Digi i samverkan med SBF', 'ansvar: KSK i samverkan med SBF')
                       .replace('ansvariga: ["Digi"]', 'ansvariga: ["KSK"]'), encoding="utf-8")


def test_borttaget_ur_filerna_tas_bort_ur_databasen(aktiv_databas, tmp_path):
    kat = _kopia(tmp_path)
    assert ladda.ladda_plan(kat) == "inläst"
    fore = _koder("TK-2023")
    _ta_bort_ur_filerna(kat)
    efter_filerna = _filernas_koder(kat)
    for slag in fore:   # varje slag har något borttaget (annars prövar testet ingenting)
        assert efter_filerna[slag] < fore[slag], slag
    assert ladda.ladda_plan(kat) == "uppdaterad"
    assert _koder("TK-2023") == efter_filerna


def test_borttaget_som_rapporter_laas_och_konton_pekar_pa_vagras_med_besked(aktiv_databas, tmp_path):
    kat = _kopia(tmp_path)
    ladda.ladda_plan(kat)
    with db.session() as s:
        pid = s.scalar(select(Plan.id).where(Plan.kod == "TK-2023"))
        per = s.scalars(select(Period).where(Period.plan_id == pid, Period.namn == "Tertial 1 2024")).one()
        per.last = True
        atg = s.scalars(select(Atgard).where(Atgard.plan_id == pid, Atgard.kod == "2-A02")).one()
        s.add(Atgardsrapport(atgard_id=atg.id, period_id=per.id, status="Pågår enligt plan", rapporterad_av="test"))
        runda = Rapportrunda(period_id=per.id, sista_dag=dt.date(2024, 5, 15), oppnad_av="test")
        s.add(runda)
        s.flush()
        s.add(Rundahandelse(runda_id=runda.id, enhet_kod="KSK/DIGI", handelse="klar", av="test"))
        s.add(Analystext(period_id=per.id, niva="malomrade", nyckel="9", text="Analys", skriven_av="test",
                         skriven=dt.datetime(2024, 5, 1)))
        konto = Konto(namn="digi", roll="rapportor")
        konto.ratter.append(KontoRatt(organisation="Testköpings kommun", plan_kod="", enhet_kod="KSK/DIGI"))
        s.add(konto)
    fore = _koder("TK-2023")
    with db.session() as s:
        rapporter = s.scalar(select(func.count(Atgardsrapport.id)))
    _ta_bort_ur_filerna(kat)
    with pytest.raises(ladda.Laddfel) as e:
        ladda.ladda_plan(kat)
    fel = "\n".join(e.value.fel)
    assert "malomrade_2.yaml, åtgärd 2-A02 finns inte längre i filen, men 1 åtgärdsrapport pekar på den" in fel
    assert "plan.yaml, perioden 'Tertial 1 2024' finns inte längre i filen, men 1 rapport och 1 låsning" in fel
    assert "enheter.yaml, enheten KSK/DIGI finns inte längre i filen, men 1 konto pekar på den" in fel
    assert "plan.yaml, perioden 'Tertial 1 2024' finns inte längre i filen, men 1 rapportrunda pekar på den" in fel
    assert "enheter.yaml, enheten KSK/DIGI finns inte längre i filen, men 1 händelse i rapportrundan" in fel
    assert "malomrade_9.yaml, målområde 9 finns inte längre i filen, men 1 analystext pekar på den" in fel
    assert len(e.value.fel) == 6   # uppdraget, indikatorn, inriktningsmålet … har inget som pekar på sig
    assert _koder("TK-2023") == fore   # allt eller inget
    with db.session() as s:
        assert s.scalar(select(func.count(Atgardsrapport.id))) == rapporter


def test_olasliga_tidpunkter_lagras_som_varningar_och_raknas_om(aktiv_databas, tmp_path):
    kat = _kopia(tmp_path)
    _andra(kat, "malomrade_1.yaml", "tidpunkt: Juni 2023", "tidpunkt: Efter genomfört möte")
    _andra(kat, "malomrade_1.yaml", "tidpunkt: Kvartal 4 2024", "tidpunkt: i samband med Tertial 2 2024")
    ladda.ladda_plan(kat)
    with db.session() as s:
        plan = s.scalars(select(Plan).where(Plan.kod == "TK-2023")).one()
        varningar = list(plan.varningar)
        datum = dict(s.execute(select(Atgard.kod, Atgard.forfallodatum).where(Atgard.plan_id == plan.id)).all())
    assert varningar == ["malomrade_1.yaml, åtgärd 1-A01: tidpunkten 'Efter genomfört möte' går inte att läsa som "
                         "ett datum (texten nämner inget datum, kvartal, tertial, termin, månad eller år) – ange "
                         "tidpunkt_datum (eller tidpunkt_datum: inget)"]
    assert datum["1-A01"] is None and datum["1-A02"] == dt.date(2024, 8, 31)   # planens period
    _andra(kat, "malomrade_1.yaml", "tidpunkt: Efter genomfört möte", "tidpunkt: Efter genomfört möte\n        tidpunkt_datum: inget")
    ladda.ladda_plan(kat)
    with db.session() as s:
        assert s.scalars(select(Plan.varningar).where(Plan.kod == "TK-2023")).one() is None


# --- Nästa års plan (python -m data.nyplan) ---

def test_flytta_alla_ar():
    from data.planen.nyplan import flytta_alla_ar
    assert flytta_alla_ar("Läsåret 2025/26") == "Läsåret 2026/27"
    assert flytta_alla_ar("Läsåret 2029/2030") == "Läsåret 2030/2031"
    assert flytta_alla_ar("Tertial 2 2025") == "Tertial 2 2026"
    assert flytta_alla_ar("Årsskiftet 2099/00") == "Årsskiftet 2100/01"
    assert flytta_alla_ar("Mål 2025–2027") == "Mål 2026–2028"


def test_nasta_ars_plan_behaller_datum_alias_och_flyttar_periodnamn(aktiv_databas, tmp_path):
    from data.planen import nyplan
    kat = _kopia(tmp_path)
    _andra(kat, "plan.yaml", "perioder:\n", "perioder:\n  - {namn: Läsåret 2023/24, typ: lasar, slutdatum: 2024-06-30}\n")
    _andra(kat, "malomrade_1.yaml", "tidpunkt: Kvartal 4 2024", "tidpunkt: Kvartal 4")            # utan år: 2023-12-31
    _andra(kat, "malomrade_2.yaml", "tidpunkt: Juni 2023", "tidpunkt: i samband med Läsåret 2023/24")
    _andra(kat, "enheter.yaml", "    namn: Ekonomienheten i Testköping\n",
           "    namn: Ekonomienheten i Testköping\n    alias: [Ekonomi, Ekonomienheten]\n")   # används av ingen post
    _lagg_till(kat, "enheter.yaml", "sammansatta:\n  KSK-ledningen: [KSK, KSK/EKO]\n")
    ladda.ladda_plan(kat)
    ut = tmp_path / "tk2024"
    nyplan.ny_plan(fragor.los_plan("TK-2023"), "TK-2024", ut, period="Tertial 1 2023")
    p = las_plan(ut)
    namn = [x["namn"] for x in p["perioder"]]
    assert {"Läsåret 2024/25", "Tertial 1 2024", "Tertial 1 2025"} <= set(namn) and "Läsåret 2023/24" not in namn
    atg = {a["kod"]: a for m in p["malomraden"] for u in m["uppdrag"] for a in u["atgarder"]}
    assert atg["1-A02"]["tidpunkt"] == "Kvartal 4" and atg["1-A02"]["forfallodatum"] == dt.date(2023, 12, 31)
    assert atg["2-A01"]["forfallodatum"] == dt.date(2024, 6, 30)     # periodens slutdatum, inte 2025
    assert atg["1-A01"]["forfallodatum"] == dt.date(2023, 6, 30)     # "Juni 2023" läses lika: inget tidpunkt_datum
    assert "tidpunkt_datum" not in (ut / "malomrade_1.yaml").read_text(encoding="utf-8").split("1-A02")[0]
    enheter = {e["kod"]: e for e in p["enheter"]}
    assert enheter["KSK/EKO"]["alias"] == ["Ekonomi", "Ekonomienheten"] and enheter["KSK/DIGI"]["alias"] == ["Digi"]
    assert p["sammansatta"] == {"KSK-ledningen": ["KSK", "KSK/EKO"]}
