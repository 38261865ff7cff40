"""Issue 20: kommandona per plan. Varje kommando tar --plan, prövar perioder och enheter mot den
planen, säger planen i sina besked och fyller en tom databas som appen gör (eller svarar med en
svensk rad och slutkod 2). data.publicerat och data.ladda läser planens egen fil med publicerade
utfall, också för en andra plan."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from data.lagring import db
from data.lagring.models import Indikatorutfall, Period, Plan
from data.planen import forbered

ROT = Path(__file__).resolve().parent.parent
TESTKOPING = ROT / "tests" / "data" / "plan_testkoping"
PUBLICERADE = ("typ,malomrade,namn_i_planen,period,varde,enhet,status,kalla_url,anmarkning\n"
               "indikator,1,\"Andel nöjda invånare, målområde 1\",Tertial 1 2023,\"52,5\",%,,https://example.org/tk,Testdata\n")


def _testkoping_med_publicerade(katalog: Path) -> Path:
    shutil.copytree(TESTKOPING, katalog)
    (katalog / "publicerade_utfall.csv").write_text(PUBLICERADE, encoding="utf-8")
    with open(katalog / "plan.yaml", "a", encoding="utf-8") as f:
        f.write("publicerade_utfall: publicerade_utfall.csv\n")
    return katalog


def _kor(modul, argv, capsys) -> tuple[int, str, str]:
    kod = modul.main(argv)
    ut = capsys.readouterr()
    assert "Traceback" not in ut.err + ut.out
    return kod, ut.out, ut.err


@pytest.fixture
def miljo(tmp_path, monkeypatch):
    """Processens miljö för kommandona: en ny SQLite-fil (tom), ingen exempeldata."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'k.sqlite'}")
    monkeypatch.setenv("MALKOLL_EXEMPEL", "nej")
    yield tmp_path
    forbered.glom()


def _publicerade(kod: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(Indikatorutfall.id)).join(Period, Period.id == Indikatorutfall.period_id)
                        .join(Plan, Plan.id == Period.plan_id).where(Plan.kod == kod, Indikatorutfall.exempel.is_(False)))


def test_kommandona_per_plan_bredvid_standardplanen(miljo, capsys):
    from data import export, ladda, nyplan, publicerat, rapport
    tk = _testkoping_med_publicerade(miljo / "tk")
    # Tom databas: ladda utan katalog fyller den som appen (standardplanen KS-2020 med publicerade utfall)
    kod, ut, _ = _kor(ladda, [], capsys)
    assert kod == 0 and "Databasen var tom och är fylld som när appen startar: planen KS-2020" in ut
    kod, ut, _ = _kor(ladda, ["--katalog", str(tk)], capsys)
    assert kod == 0 and "Planen TK-2023 inläst" in ut and "1 publicerade värden inlästa" in ut
    assert _publicerade("KS-2020") > 0 and _publicerade("TK-2023") == 1     # den andra planens utfall också
    kod, ut, _ = _kor(publicerat, ["--katalog", str(tk), "--plan", "TK-2023"], capsys)
    assert kod == 0 and "fanns redan" in ut and "TK-2023" in ut and _publicerade("TK-2023") == 1
    kod, _, fel = _kor(publicerat, ["--katalog", str(tk), "--plan", "KS-2020"], capsys)
    assert kod == 2 and "innehåller planen 'TK-2023', inte 'KS-2020'" in fel

    # Rapportmallen: enheter och perioder prövas mot --plan (Testköpings KSK/DIGI finns inte i KS-2020)
    mall = miljo / "mall.xlsx"
    kod, ut, _ = _kor(rapport, ["mall", "--plan", "TK-2023", "--period", "Tertial 1 2023", "--enhet", "KSK/DIGI", str(mall)], capsys)
    assert kod == 0 and "TK-2023" in ut
    assert openpyxl.load_workbook(mall)["Instruktioner"]["B3"].value == "TK-2023"
    kod, _, fel = _kor(rapport, ["mall", "--plan", "TK-2023", "--period", "Tertial 1 2023", "--enhet", "KSK/SHB",
                                 str(mall)], capsys)
    assert kod == 2 and "okänd enhet 'KSK/SHB' i TK-2023" in fel and len(fel.strip().splitlines()) == 1
    kod, _, fel = _kor(rapport, ["mall", "--plan", "TK-2023", "--period", "Delår 2 2020", str(mall)], capsys)
    assert kod == 2 and "Perioden 'Delår 2 2020' finns inte i TK-2023" in fel
    kod, _, fel = _kor(rapport, ["mall", "--plan", "BUN-2025", "--period", "Tertial 1 2023", str(mall)], capsys)
    assert kod == 2 and "Planen 'BUN-2025' finns inte. Planerna heter: KS-2020, TK-2023" in fel

    # Låsningen: i den planen; importens besked om upplåsning säger planen
    kod, ut, _ = _kor(rapport, ["las", "--plan", "TK-2023", "--period", "Tertial 1 2023", "--av", "test"], capsys)
    assert kod == 0 and "i TK-2023 är låst" in ut
    kod, _, fel = _kor(rapport, ["importera", str(mall)], capsys)
    assert kod == 1 and 'las-upp --plan TK-2023 --period "Tertial 1 2023"' in fel
    kod, ut, _ = _kor(rapport, ["las-upp", "--plan", "TK-2023", "--period", "Tertial 1 2023", "--av", "test",
                                "--motivering", "Rättelse"], capsys)
    assert kod == 0 and "i TK-2023 är upplåst" in ut
    kod, _, fel = _kor(rapport, ["importera", "--plan", "KS-2020", str(mall)], capsys)
    assert kod == 2 and "rapporten" in fel and "gäller planen TK-2023, inte KS-2020" in fel

    # Exporten: --plan väljer planen, enheter prövas mot den
    ut_fil = miljo / "tk.xlsx"
    kod, ut, _ = _kor(export, [str(ut_fil), "--plan", "TK-2023"], capsys)
    assert kod == 0 and "TK-2023" in ut
    assert "Testköping" in openpyxl.load_workbook(ut_fil)["Åtgärder"]["A1"].value
    with pytest.raises(SystemExit) as e:
        export.main([str(ut_fil), "--plan", "TK-2023", "--enhet", "KSK/SHB"])
    assert e.value.code == 2 and "okänd enhet" in capsys.readouterr().err

    # Nästa års plan: --plan (som --fran), perioden prövas mot planen
    kod, _, fel = _kor(nyplan, ["--plan", "TK-2023", "--kod", "TK-2024", "--period", "Delår 2 2020",
                                str(miljo / "ny")], capsys)
    assert kod == 2 and "perioden 'Delår 2 2020' finns inte i TK-2023" in fel
    kod, ut, _ = _kor(nyplan, ["--plan", "TK-2023", "--kod", "TK-2024", str(miljo / "ny")], capsys)
    assert kod == 0 and "(ur TK-2023)" in ut


@pytest.mark.parametrize("kommando,argv", [
    ("rapport", ["mall", "--period", "Tertial 1 2023", "{tmp}/m.xlsx"]),
    ("export", ["{tmp}/e.xlsx"]),
    ("publicerat", []),
    ("nyplan", ["--plan", "TK-2023", "--kod", "TK-2024", "{tmp}/ny"]),
    ("anvandare", ["lagg-till", "ulla", "--roll", "lasare"]),
    ("runda", ["oppna", "--plan", "TK-2023", "--period", "Tertial 1 2023", "--sista-dag", "2023-05-15"]),
])
def test_kommandot_fyller_en_tom_databas_som_appen(miljo, monkeypatch, capsys, kommando, argv):
    """Fyllningen är appens (data.planen.forbered, prövad på SQLite och PostgreSQL i test_inlasning)."""
    import importlib
    tmp_path = miljo
    monkeypatch.setenv("MALKOLL_PLANKATALOG", str(TESTKOPING))
    monkeypatch.setenv("MALKOLL_NYTT_LOSENORD", "ett-långt-lösenord-för-test")
    modul = importlib.import_module(f"data.{kommando}")
    kod, ut, fel = _kor(modul, [a.replace("{tmp}", str(tmp_path)) for a in argv], capsys)
    assert kod == 0, fel
    with db.session() as s:
        assert s.scalars(select(Plan.kod)).all() == ["TK-2023"]


def test_utan_plan_i_databasen_en_svensk_rad(miljo, monkeypatch, capsys):
    """En plankatalog som inte går att läsa: kommandot fyller inget och säger varför, slutkod 2."""
    from data import rapport
    monkeypatch.setenv("MALKOLL_PLANKATALOG", str(miljo / "finns-inte"))
    kod, _, fel = _kor(rapport, ["las-upp", "--period", "Tertial 1 2023", "--av", "a", "--motivering", "m"], capsys)
    assert kod == 2 and "plan.yaml: filen saknas" in fel and "LookupError" not in fel
    assert len(fel.strip().splitlines()) == 1 and fel.startswith("Fel: databasen är tom")


def test_ett_ovantat_fel_blir_en_rad_och_slutkod_2(capsys):
    from data.planen import kommando

    def trasig() -> int:
        raise RuntimeError("något gick sönder\nandra raden")
    assert kommando.kor(trasig) == 2
    fel = capsys.readouterr().err
    assert fel.strip() == ("Oväntat fel i kommandot (RuntimeError: något gick sönder) – det som inte hann sparas i "
                           "sin transaktion är inte sparat. Rapportera gärna felet.")
