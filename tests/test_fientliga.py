"""Fientliga och trasiga rapportfiler (issue 14): avvisas tidigt med ett svenskt meddelande som
namnger bladet, inom fasta gränser för minne (mätt med RLIMIT_AS i en underprocess) och utan att
databasen ändras – i SQLite och PostgreSQL, från kommandoraden och via /rapportera.

Filerna byggs här: en ifylld mall (tests.test_rapport._ifylld) vars zip-delar skrivs om med zipfile.
"""
from __future__ import annotations

import datetime as dt
from data.lagring.start import anvand_databas
import io
import json
import os
import re
import struct
import subprocess
import sys
import unicodedata
import zipfile

import pytest
from sqlalchemy import select

from data.lagring import db
from data.planen import forbered
from data.uppfoljning import fragor
from data.rapportering import granser, rapport
from data.lagring.models import Budgetutfall
from data.rapportering.rapport import Importfel, las_rapport, tillampa
from tests.conftest import ROT
from tests.test_inlasning import _fingeravtryck, _innehall
from tests.test_rapport import PERIOD, _ifylld, _kol, _rad

BLADDEL = {"Instruktioner": "xl/worksheets/sheet1.xml", "Åtgärder": "xl/worksheets/sheet2.xml",
           "Indikatorer": "xl/worksheets/sheet3.xml", "Inriktningsmål": "xl/worksheets/sheet4.xml",
           "Budget": "xl/worksheets/sheet5.xml"}


@pytest.fixture
def databas(tom_databas, monkeypatch):
    monkeypatch.setenv("MALKOLL_EXEMPEL", "av")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    return tom_databas


# --- Filbyggare ---------------------------------------------------------------------------------

def skriv_om(data: bytes, andra: dict) -> bytes:
    """Ny zip med delarna i `andra` utbytta: namn → funktion(gammal xml: str) → ny xml (str eller
    en generator av bytes för stora delar), eller None för att lägga till en ny del."""
    ut = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(ut, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            gammal = zin.read(info.filename)
            if info.filename in andra:
                ny = andra[info.filename](gammal.decode("utf-8"))
                if isinstance(ny, str):
                    zout.writestr(info.filename, ny)
                else:
                    with zout.open(info.filename, "w", force_zip64=True) as f:
                        for bit in ny:
                            f.write(bit)
            else:
                zout.writestr(info, gammal)
    return ut.getvalue()


def _fore_sheetdata_slut(tillagg: str):
    return lambda x: x.replace("</sheetData>", tillagg + "</sheetData>")


def _efter_sheetdata(tillagg: str):
    return lambda x: x.replace("</sheetData>", "</sheetData>" + tillagg)


def stray_cell(ref: str):
    rad = re.sub(r"[A-Z]", "", ref)
    return lambda url: skriv_om(_ifylld(url), {BLADDEL["Åtgärder"]: _fore_sheetdata_slut(
        f'<row r="{rad}"><c r="{ref}" t="n"><v>1</v></c></row>')})


def dimension(ref: str):
    return lambda url: skriv_om(_ifylld(url), {BLADDEL["Indikatorer"]: lambda x: re.sub(
        r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', x)})


def sammanslagen(ref: str, blad: str = "Budget"):
    return lambda url: skriv_om(_ifylld(url), {BLADDEL[blad]: _efter_sheetdata(
        f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>')})


def uppblast_blad(mb: int = 64):
    """Bladet Inriktningsmål packas upp till `mb` MB (komprimerat några hundra kB)."""
    def ny(x: str):
        huvud, rest = x.split("<sheetData>", 1)
        yield (huvud + "<sheetData>").encode()
        rad = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
        for _ in range(mb * 1024):
            yield rad
        yield ("</sheetData>" + rest.split("</sheetData>", 1)[1]).encode()
    return lambda url: skriv_om(_ifylld(url), {BLADDEL["Inriktningsmål"]: ny})


def ljugande_storlek(mb: int = 64):
    """Zip-katalogen säger att det uppblåsta bladet är 10 kB (zipfile packar inte upp mer än så)."""
    def fil(url):
        b = bytearray(uppblast_blad(mb)(url))
        i = 0
        while (i := b.find(b"PK\x01\x02", i)) >= 0:
            nlen = struct.unpack("<H", b[i + 28:i + 30])[0]
            if bytes(b[i + 46:i + 46 + nlen]) == BLADDEL["Inriktningsmål"].encode():
                b[i + 24:i + 28] = struct.pack("<I", 10_000)
                lokal = struct.unpack("<I", b[i + 42:i + 46])[0]
                b[lokal + 22:lokal + 26] = struct.pack("<I", 10_000)
            i += 4
        return bytes(b)
    return fil


def manga_strangar(n: int = granser.MAX_STRANGAR + 10):
    def sst(_x):
        yield f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}">'.encode()
        for i in range(n):
            yield f"<si><t>{i}</t></si>".encode()
        yield b"</sst>"

    def fil(url):
        data = _ifylld(url)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            finns = "xl/sharedStrings.xml" in z.namelist()
        if finns:
            return skriv_om(data, {"xl/sharedStrings.xml": sst})
        ut = io.BytesIO(data)
        with zipfile.ZipFile(ut, "a") as z, z.open("xl/sharedStrings.xml", "w") as f:
            for b in sst(""):
                f.write(b)
        return ut.getvalue()
    return fil


def manga_element(n: int = granser.MAX_TAGGAR + 1000):
    """Bladet Budget med fler XML-element än gränsen (inom storleksgränsen per del)."""
    def ny(x: str):
        huvud, rest = x.split("</sheetData>", 1)
        yield (huvud + "</sheetData><extLst>").encode()
        for _ in range(n // 1000):
            yield b"<ext/>" * 1000
        yield ("</extLst>" + rest).encode()
    return lambda url: skriv_om(_ifylld(url), {BLADDEL["Budget"]: ny})


def cellvarde(blad: str, id_: str, kol: str, varde, format_: str | None = None):
    def andra(wb):
        ws = wb[blad]
        c = ws.cell(_rad(ws, id_), _kol(ws, kol), varde)
        if format_:
            c.number_format = format_
    return andra


def xml_varde(blad: str, id_: str, kol: str, xml: str):
    """Byt ett tals XML-värde direkt (t.ex. 1E999, som openpyxl inte skriver)."""
    def fil(url):
        data = _ifylld(url, cellvarde(blad, id_, kol, 987654.125))
        return skriv_om(data, {BLADDEL[blad]: lambda x: x.replace("<v>987654.125</v>", f"<v>{xml}</v>")})
    return fil


def strangindex(blad: str, id_: str, kol: str, index: str):
    """Cellen som en delad text (t="s") med ett nummer som inte finns i filens texter."""
    def fil(url):
        data = _ifylld(url, cellvarde(blad, id_, kol, 987654.125))
        return skriv_om(data, {BLADDEL[blad]: lambda x: re.sub(
            r'<c r="([A-Z]+\d+)"([^>]*)><v>987654.125</v>',
            lambda m: f'<c r="{m.group(1)}"{re.sub(r" t=.[a-zA-Z]*.", "", m.group(2))} t="s"><v>{index}</v>', x)})
    return fil


def lang_text(blad: str, id_: str, kol: str, n: int):
    """En text på n tecken (openpyxl skriver högst 32 767, Excels gräns; en fil kan ha fler)."""
    def fil(url):
        data = _ifylld(url, cellvarde(blad, id_, kol, "LANG-TEXT-MARKOR"))
        return skriv_om(data, {BLADDEL[blad]: lambda x: x.replace("LANG-TEXT-MARKOR", "x" * n)})
    return fil


def andra(*funktioner):
    def fil(url):
        def alla(wb):
            for f in funktioner:
                f(wb)
        return _ifylld(url, alla)
    return fil


def _langt_id(wb):
    ws = wb["Åtgärder"]
    for r in range(300):
        ws.cell(200 + r, 1, "X" * (1024 * 1024) if r == 0 else "X" * 1000 + str(r))


def _fel_titel(wb):
    ws = wb["Inriktningsmål"]
    ws.cell(_rad(ws, "M1-1.1"), _kol(ws, "Inriktningsmål"), "1.2 Något annat mål")


def _fel_post(wb):
    ws = wb["Budget"]
    ws.cell(_rad(ws, "DV-Kommundirektör"), _kol(ws, "Post"), "Kommunstyrelsens förvaltning")


def _andra_status(wb):
    ws = wb["Åtgärder"]
    ws.cell(2, 11, "Status")
    ws.cell(_rad(ws, "1-A10"), 11, "Genomförd")


def _sammanslagen_status(wb):
    ws = wb["Åtgärder"]
    r = _rad(ws, "1-A13")
    k = _kol(ws, "Status")
    ws.merge_cells(start_row=r, start_column=k, end_row=r + 4, end_column=k)


def _nfd(wb):
    ws = wb["Åtgärder"]
    ws.cell(_rad(ws, "1-A09"), _kol(ws, "Status"), unicodedata.normalize("NFD", "Pågår med avvikelse"))
    wb["Budget"].title = unicodedata.normalize("NFD", "Budget")
    wb["Inriktningsmål"].title = unicodedata.normalize("NFD", "Inriktningsmål")


# (namn, filbyggare, väntat i felmeddelandet)
AVVISAS = [
    ("cell J1048576", stray_cell("J1048576"), "Bladet 'Åtgärder': cellen J1048576 är utanför det mallen rymmer"),
    ("cell XFD1048576", stray_cell("XFD1048576"), "Bladet 'Åtgärder': cellen XFD1048576 är utanför"),
    ("dimension", dimension("A1:XFD1048576"), "Bladet 'Indikatorer': bladets storlek (dimension) A1:XFD1048576"),
    ("mergeCell till XFD1048576", sammanslagen("A3:XFD1048576"), "Bladet 'Budget': den sammanslagna cellen A3:XFD1048576"),
    ("uppblåst blad", uppblast_blad(), "MB uppackat; högst 16 MB per blad eller del"),
    ("zip-katalogen ljuger", ljugande_storlek(), "Bladet 'Inriktningsmål' är trasigt och kunde inte läsas (Bad CRC-32"),
    ("många texter", manga_strangar(), f"fler än {granser.MAX_STRANGAR} olika texter"),
    ("många element", manga_element(), f"fler än {granser.MAX_TAGGAR} XML-taggar"),
    ("1E999", xml_varde("Indikatorer", "1-I02", "Utfall", "1E999"), "kolumn 'Utfall': oändligt är inget ändligt tal"),
    ("-1E999", xml_varde("Indikatorer", "1-I01", "Utfall", "-1E999"), "minus oändligt är inget ändligt tal"),
    ("budget 1E999", xml_varde("Budget", "DV-Kommundirektör", "Prognos helår (tkr)", "1E999"),
     "kolumn 'Prognos helår (tkr)': oändligt är inget ändligt tal"),
    ("heltal med 400 siffror", xml_varde("Indikatorer", "1-I02", "Utfall", "9" * 400), "oändligt är inget ändligt tal"),
    ("1e308", andra(cellvarde("Indikatorer", "1-I03", "Utfall", 1e308)),
     "är utanför det rimliga intervallet för måttenheten kr"),
    ("procent 45 i %-cell", andra(cellvarde("Indikatorer", "1-I02", "Utfall", 45, "0%")),
     "cellen är procentformaterad i Excel, så 45 visas och läses som 4\u00a0500 %"),
    ("budget fyra decimaler", andra(cellvarde("Budget", "DV-Kommundirektör", "Utfall hittills (tkr)", -9000.2555)),
     "har fler än 3 decimaler"),
    ("kommentar 2 MB", lang_text("Åtgärder", "1-A13", "Kommentar", 2 * 1024 * 1024),
     f"texten är {2 * 1024 * 1024} tecken; högst {granser.MAX_TEXT} tecken"),
    ("#N/A", andra(cellvarde("Indikatorer", "1-I02", "Utfall", "#N/A")), "Excels felvärde #N/A"),
    ("#DIV/0!", andra(cellvarde("Åtgärder", "1-A13", "Kommentar", "#DIV/0!")), "Excels felvärde #DIV/0!"),
    ("_x0000_", andra(cellvarde("Åtgärder", "1-A13", "Kommentar", "a_x0000_b")), "otillåtet styrtecken (U+0000)"),
    ("datum som tal", andra(cellvarde("Indikatorer", "1-I02", "Utfall", dt.datetime(2020, 8, 31))),
     "2020-08-31 är ett datum eller en tid, inte ett tal"),
    ("sant som tal", andra(cellvarde("Indikatorer", "1-I02", "Utfall", True)), "SANT är ett sanningsvärde, inte ett tal"),
    ("inriktningsmål id och titel", andra(_fel_titel),
     "kolumn 'Inriktningsmål': texten stämmer inte med id M1-1.1"),
    ("budget id och post", andra(_fel_post), "kolumn 'Post': texten stämmer inte med id DV-Kommundirektör"),
    ("andra statuskolumn", andra(_andra_status), "kolumn K (rubrik 'Status'): cellen är ifylld men hör inte till"),
    ("sammanslagna statusceller", andra(_sammanslagen_status), "Bladet 'Åtgärder': sammanslagna celler i tabellen"),
]


@pytest.mark.parametrize("namn,fil,vantat", AVVISAS, ids=[a[0] for a in AVVISAS])
def test_fientlig_fil_avvisas(databas, namn, fil, vantat):
    data = fil(databas)
    fore = _fingeravtryck(databas)
    with pytest.raises(Importfel) as e:
        anvand_databas(databas)
        tillampa(las_rapport(data, "fientlig.xlsx"), "test")
    assert any(vantat in f for f in e.value.fel), e.value.fel
    assert all(len(f) < 1200 for f in e.value.fel)
    assert _fingeravtryck(databas) == fore


# Issue 21 fynd 9: NaN i talcellens XML, text i en talcell och en delad text utanför filens texter
OLASBARA_VARDEN = [
    ("NaN i talcell", xml_varde("Indikatorer", "1-I02", "Utfall", "NaN"),
     "Bladet 'Indikatorer', rad 4, kolumn F (cell F4): cellen är sparad som ett tal men värdet 'NaN' är inget tal (NaN"),
    ("-nan i budgetcell", xml_varde("Budget", "DV-Kommundirektör", "Prognos helår (tkr)", "-nan"),
     "värdet '-nan' är inget tal (NaN"),
    ("text i talcell", xml_varde("Indikatorer", "1-I02", "Utfall", "tolv"), "värdet 'tolv' är inget tal ("),
    ("delad text utanför", strangindex("Indikatorer", "1-I02", "Utfall", "99999"),
     "cellen hänvisar till text nummer 100000 men filen har"),
    ("delad text negativ", strangindex("Åtgärder", "1-A13", "Kommentar", "-1"),
     "hänvisningen '-1' går inte att läsa"),
]


def test_olasbara_cellvarden_avvisas_med_svenskt_besked(laddad_sqlite):
    """Varje fil avvisas av förhandskontrollen med blad, rad, kolumn och värde – aldrig ett Python-fel
    ur openpyxl (ValueError/IndexError) eller ett NaN som tyst blir "inget ifyllt"."""
    databas = laddad_sqlite
    fore = _fingeravtryck(databas)
    for namn, fil, vantat in OLASBARA_VARDEN:
        with pytest.raises(Importfel) as e:
            las_rapport(fil(databas), "fientlig.xlsx")
        assert any(vantat in f for f in e.value.fel), (namn, e.value.fel)
    assert _fingeravtryck(databas) == fore


def test_felutskriften_ar_begransad(databas):
    """1 MB-id i 300 rader: högst 50 fel listas, varje värde högst 80 tecken."""
    with pytest.raises(Importfel) as e:
        anvand_databas(databas)
        las_rapport(andra(_langt_id)(databas), "r.xlsx")
    assert e.value.antal == 300
    assert len(e.value.fel) == granser.MAX_FEL + 1
    assert e.value.fel[-1].startswith("… och 250 fel till")
    assert max(len(f) for f in e.value.fel) < 250
    assert len(str(e.value)) < 20_000


def test_godkanda_varianter_och_exakta_decimaler(databas):
    """NFD i status och bladnamn, procentcell 45 %, _x000D_ som radbrytning och budget med två decimaler
    importeras; samma fil igen ändrar ingenting."""
    fil = andra(_nfd, cellvarde("Indikatorer", "1-I02", "Utfall", 0.45, "0%"),
                cellvarde("Åtgärder", "1-A13", "Kommentar", "Rad ett_x000D_\nRad två"),
                cellvarde("Budget", "DV-Kommundirektör", "Utfall hittills (tkr)", -9000.25),
                cellvarde("Budget", "DV-Kommundirektör", "Prognos helår (tkr)", -14000.125))(databas)
    anvand_databas(databas)
    fg = las_rapport(fil, "r.xlsx")
    tillampa(fg, "Eva")
    i = fragor.indikatorer(1, period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc["1-I02"]
    assert i.utfall_varde == 45.0
    a = fragor.atgarder(1, period=PERIOD, plan=fragor.los_plan()).set_index("kod")
    assert a.loc["1-A09"].rapporterad_status == "Pågår med avvikelse"
    assert a.loc["1-A13"].kommentar == "Rad ett\nRad två"
    anvand_databas(databas)
    with db.session() as s:
        b = s.scalars(select(Budgetutfall).where(Budgetutfall.kalla == "r.xlsx")).one()
        assert (float(b.utfall), float(b.prognos)) == (-9000.25, -14000.125)
    fore = _fingeravtryck(databas)
    fg2 = las_rapport(fil, "r.xlsx")
    assert (fg2.nya, fg2.andrade) == ([], [])
    assert tillampa(fg2, "Eva") == 0
    assert _fingeravtryck(databas) == fore


def formaterade_tomma_rader(sista: int = 100_000):
    """Som Excel sparar en mall där hela raderna formaterats: en tom, formaterad rad för varje rad till
    `sista` och bladets dimension dit (ingen cell har ett värde bortom mallens rader)."""
    def ny(x: str):
        forsta = max(int(r) for r in re.findall(r'<row r="(\d+)"', x)) + 1
        huvud, rest = x.split("</sheetData>", 1)
        yield re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:J{sista}"', huvud).encode()
        for r in range(forsta, sista + 1):
            yield f'<row r="{r}" spans="1:10" s="1" customFormat="1" ht="15"/>'.encode()
        yield ("</sheetData>" + rest).encode()
    return lambda url: skriv_om(_ifylld(url), {BLADDEL["Åtgärder"]: ny})


def test_mall_med_100000_formaterade_tomma_rader_importeras(laddad_sqlite):
    """Issue 21 fynd 9: fem ifyllda rader i en mall som Excel sparat med formatering på 100 000 rader
    går igenom importens granskning med alla fem i skrivmängden (de tomma raderna läses inte bortom
    mallens gräns; att skriva skrivmängden prövar test_rapport); en ifylld cell bortom gränsen avvisas
    som förut. (Databasen läses bara: parsern är densamma för SQLite och PostgreSQL.)"""
    databas = laddad_sqlite
    fil = formaterade_tomma_rader()(databas)
    fg = las_rapport(fil, "formaterad.xlsx")
    assert len(fg.skrivningar) == 5 and {w.blad for w in fg.skrivningar} == {
        "Åtgärder", "Indikatorer", "Inriktningsmål", "Budget"}
    ifylld_bortom = skriv_om(formaterade_tomma_rader(2100)(databas), {BLADDEL["Åtgärder"]: lambda x: x.replace(
        '<row r="2099" spans="1:10" s="1" customFormat="1" ht="15"/>',
        '<row r="2099"><c r="I2099" t="inlineStr"><is><t>Genomförd</t></is></c></row>')})
    with pytest.raises(Importfel) as e:
        las_rapport(ifylld_bortom, "formaterad.xlsx")
    assert "Bladet 'Åtgärder': cellen I2099 är utanför det mallen rymmer" in e.value.fel[0]


# --- Minne: en underprocess med RLIMIT_AS -------------------------------------------------------

MINNESSKRIPT = r'''
import json, resource, sys, time
from data.rapportering import rapport
url, normal, filer = sys.argv[1], sys.argv[2], sys.argv[3:]
from data.lagring.start import anvand_databas
anvand_databas(url)
rapport.las_rapport(open(normal, "rb").read(), "normal.xlsx")   # motor, schema och moduler klara
vm = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmSize"))) * 1024
grans = vm + 200 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (grans, grans))
ut = []
for f in filer:
    data = open(f, "rb").read()
    t0 = time.process_time()
    try:
        rapport.las_rapport(data, f)
        ut.append({"fil": f, "fel": None})
    except rapport.Importfel as e:
        ut.append({"fil": f, "fel": e.fel, "cpu": time.process_time() - t0})
print(json.dumps(ut))
'''


def test_minnet_ar_begransat(databas, tmp_path):
    """Med högst 200 MB mer adressrymd än efter en normal import avvisas varje fientlig fil med
    sitt meddelande (utan gränserna allokerade de 2,9 GB)."""
    normal = tmp_path / "normal.xlsx"
    normal.write_bytes(_ifylld(databas))
    fall = [a for a in AVVISAS if a[0] in ("cell J1048576", "cell XFD1048576", "dimension", "mergeCell till XFD1048576",
                                         "uppblåst blad", "zip-katalogen ljuger", "många texter", "många element",
                                         "kommentar 2 MB")]
    filer = []
    for namn, fil, _ in fall:
        p = tmp_path / (re.sub(r"\W", "_", namn) + ".xlsx")
        p.write_bytes(fil(databas))
        filer.append(str(p))
    fore = _fingeravtryck(databas)
    r = subprocess.run([sys.executable, "-c", MINNESSKRIPT, databas, str(normal), *filer], cwd=ROT,
                       env={**os.environ, "PYTHONPATH": str(ROT), "MALKOLL_EXEMPEL": "av"},
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    svar = json.loads(r.stdout.strip().splitlines()[-1])
    for (namn, _, vantat), s in zip(fall, svar):
        assert s["fel"] and any(vantat in f for f in s["fel"]), (namn, s)
    assert _fingeravtryck(databas) == fore


# --- Kommandoraden -----------------------------------------------------------------------------

def _kor(args, env_url):
    r = subprocess.run([sys.executable, "-m", "data.rapport", *args], cwd=ROT, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROT), "DATABASE_URL": env_url, "MALKOLL_EXEMPEL": "av"},
                       timeout=300)
    return r.returncode, r.stdout, r.stderr


def test_kommandoraden_anvandningsfel_ger_slutkod_2(databas, tmp_path):
    fore = _fingeravtryck(databas)
    fall = [
        (["importera", str(tmp_path / "finns_inte.xlsx")], "finns inte"),
        (["importera", str(tmp_path)], "är en katalog"),
        (["mall", "--period", PERIOD, str(tmp_path / "saknas" / "mall.xlsx")], "finns inte; skapa den"),
        (["mall", "--period", "Delår 9 2020", str(tmp_path / "m.xlsx")], "Perioden 'Delår 9 2020' finns inte"),
        (["las", "--period", "Delår 9 2020"], "Perioden 'Delår 9 2020' finns inte"),
        (["mall", "--plan", "FINNS-EJ", "--period", PERIOD, str(tmp_path / "m.xlsx")], "Planen 'FINNS-EJ' finns inte"),
        (["mall", "--period", PERIOD, "--enhet", "KSK/FINNS_EJ", str(tmp_path / "m.xlsx")], "okänd enhet"),
    ]
    if os.geteuid() != 0:
        ol = tmp_path / "oläsbar.xlsx"
        ol.write_bytes(b"x")
        ol.chmod(0)
        fall.append((["importera", str(ol)], "kunde inte läsas"))
    for args, vantat in fall:
        kod, ut, fel = _kor(args, databas)
        assert kod == 2, (args, kod, fel)
        assert vantat in fel and "Traceback" not in fel and "avvisades" not in fel, (args, fel)
        assert len(fel.strip().splitlines()) == 1, fel
    assert _fingeravtryck(databas) == fore


def test_kommandoraden_olasbar_fil_ger_slutkod_2(monkeypatch, capsys, tmp_path):
    """Som root går chmod inte att pröva: en fil som inte går att öppna simuleras."""
    from pathlib import Path
    p = tmp_path / "r.xlsx"
    p.write_bytes(b"x")

    def neka(self, *a, **k):
        raise PermissionError(13, "Åtkomst nekad")
    monkeypatch.setattr(Path, "open", neka)
    from data import rapport as kommandot
    assert kommandot.main(["importera", str(p)]) == 2
    assert "kunde inte läsas (Åtkomst nekad)" in capsys.readouterr().err


def test_kommandoraden_fientliga_filer(databas, tmp_path):
    fore = _fingeravtryck(databas)
    kod, _, fel = _kor(["importera", "/dev/zero"], databas)
    assert kod == 1 and "större än 5 MB" in fel, fel
    p = tmp_path / "j.xlsx"
    p.write_bytes(stray_cell("J1048576")(databas))
    kod, _, fel = _kor(["importera", str(p)], databas)
    assert kod == 1 and "Bladet 'Åtgärder': cellen J1048576 är utanför" in fel, fel
    p.write_bytes(andra(_langt_id)(databas))
    kod, _, fel = _kor(["importera", str(p)], databas)
    assert kod == 1 and "… och 250 fel till" in fel and len(fel) < 20_000, len(fel)
    assert _fingeravtryck(databas) == fore


# --- /rapportera -------------------------------------------------------------------------------

@pytest.fixture
def webbserver(databas, tmp_path, monkeypatch):
    """Appen mot databasen med ett administratörskonto (data.anvandare), som i tests/test_behorighet.py."""
    from data.konton import anvandare
    from tests.test_sakerhet import HEMLIGHET, LOSEN, starta, stoppa
    monkeypatch.setenv("MALKOLL_HEMLIGHET", HEMLIGHET)
    anvand_databas(databas)
    anvandare.lagg_till("ada", "administrator", [], LOSEN, "Ada Admin")
    db.glom_motorer()
    proc, bas = starta(databas, tmp_path / "srv", workers=1, miljo={
        "MALKOLL_HEMLIGHET": HEMLIGHET, "MALKOLL_DATA_DIR": str(tmp_path / "d")})
    yield {"bas": bas, "databas": databas, "proc": proc, "namn": "ada", "losen": LOSEN}
    stoppa(proc)


def test_rapportera_avvisar_fientliga_filer(webbserver):
    """Varje fientlig fil laddas upp i /rapportera (uppladdningens Dash-anrop, som webbläsaren gör) av
    en inloggad administratör: svenskt meddelande, begränsat svar, arbetaren lever, databasen oförändrad."""
    from tests.test_sakerhet import Klient, ladda_upp, logga_in, text_i
    url = webbserver["databas"]
    k = Klient(webbserver["bas"])
    status, _, plats = logga_in(k, webbserver["losen"], namn=webbserver["namn"])
    assert status == 303 and plats.endswith("/rapportera") and k.kaka("malkoll"), (status, plats)
    _, _, sida = k.callback("_pages_content.children", {"_pages_location.pathname": "/rapportera",
                                                         "_pages_location.search": ""})
    assert "Inloggad som Ada Admin" in text_i(sida)                 # inloggningen gäller för /rapportera
    fore = _innehall(url)          # tabellernas innehåll: servern håller SQLite-filen öppen (WAL)
    for namn, fil, vantat in AVVISAS + [
            ("1 MB-id", andra(_langt_id), "… och 250 fel till")]:
        status, _, svar = ladda_upp(k, fil(url), "fientlig.xlsx")
        assert status == 200, (namn, status)
        t = text_i(svar)
        assert "avvisades – ingenting har ändrats" in t and vantat in t, (namn, t[:2000])
        assert len(json.dumps(svar)) < 100_000, namn
    assert webbserver["proc"].poll() is None
    assert _innehall(url) == fore
    # Ett innehåll större än gränsen avvisas innan det avkodas
    stor = "data:application/octet-stream;base64," + "A" * (rapport.MAX_STORLEK * 4 // 3 + 1000)
    status, _, svar = k.callback("rapp-forhandsgranskning.children", {"rapp-upp.contents": stor},
                                 {"rapp-upp.filename": "stor.xlsx"})
    assert status == 200 and "större än 5 MB" in text_i(svar)
    assert _innehall(url) == fore
