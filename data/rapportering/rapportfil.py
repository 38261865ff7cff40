"""Läs en rapportfil (.xlsx) inom fasta gränser innan openpyxl får den.

Kontrolleras i ordning, utan att något stort byggs i minnet: filens storlek, zip-delarnas
uppackade storlek (var för sig och tillsammans), bladens deklarerade bredd (<dimension>),
sammanslagna celler (<mergeCell>), varje ifylld cells position och att cellens värde går att läsa
(ett tal är ett tal – inte NaN –, en delad text finns). Bladen strömmas sedan med openpyxl i
read_only-läge, begränsat till de rader och kolumner som mallen kan ha. Allt utanför gränserna
avvisas med ett svenskt meddelande som namnger bladet (data/granser.py har gränserna).

Tomma celler och rader med bara formatering (Excel sparar sådana när man formaterat hela kolumner,
t.ex. 100 000 rader) avvisas inte: de läses inte alls bortom MAX_RAD, och filens storlek och antal
XML-taggar begränsas som för ifyllda rader.
"""
from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterator, Optional
from xml.etree import ElementTree as ET

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS

from data.rapportering import granser
from data.rapportering.granser import MAX_DEL, MAX_DELAR, MAX_KOL, MAX_RAD, MAX_STORLEK, MAX_UPPACKAD

log = logging.getLogger(__name__)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_MAX_LITEN_DEL = 256 * 1024          # workbook.xml och dess rels läses hela: högst 256 kB
_MAX_DJUP = 40                       # XML-nivåer
_MAX_I_POST = 2000                   # element i en cell eller en delad sträng (rik text)
_EXCEL_MAX_RAD = 1_048_576           # Excels sista rad: tomma, formaterade rader dit tas emot


class Importfel(Exception):
    """Filen avvisas. `fel` är begränsad till granser.MAX_FEL rader (plus en sammanfattning)."""

    def __init__(self, fel: list[str]):
        self.antal = len(fel)
        self.fel = granser.begransa_fel(fel)
        super().__init__("Filen avvisades – ingenting har ändrats:\n" + "\n".join(f"  - {f}" for f in self.fel))


@dataclass
class Bladinfo:
    """Det förhandskontrollen såg i ett blad."""
    namn: str
    del_: str
    sammanslagna: list[str] = field(default_factory=list)        # ref för sammanslagna celler
    formler_utan_varde: dict[tuple[int, int], str] = field(default_factory=dict)
    strangindex: Optional[tuple[int, str]] = None                  # högsta delade textens nummer och cell


def las_begransat(fil, max_storlek: int = MAX_STORLEK) -> bytes:
    """Läs högst max_storlek + 1 byte ur en öppen binär fil (så att /dev/zero inte läses till slut)."""
    return fil.read(max_storlek + 1)


def _cell(ref: str) -> Optional[tuple[int, int]]:
    """"J12" → (12, 10); None om referensen inte går att tolka."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    kol = 0
    for ch in m.group(1).upper():
        kol = kol * 26 + ord(ch) - 64
    return int(m.group(2)), kol


def _omrade(ref: str) -> Optional[tuple[int, int, int, int]]:
    """"A1:J20" → (1, 1, 20, 10) = (rad1, kol1, rad2, kol2)."""
    delar = ref.split(":")
    celler = [_cell(d) for d in delar if d]
    if not celler or any(c is None for c in celler) or len(celler) > 2:
        return None
    (r1, k1), (r2, k2) = celler[0], celler[-1]
    return min(r1, r2), min(k1, k2), max(r1, r2), max(k1, k2)


def _for_stort_text(blad: str, vad: str, ref: str) -> str:
    return (f"Bladet '{blad}': {vad} {ref[:40]} är utanför det mallen rymmer (högst {MAX_RAD} rader och "
            f"kolumnerna A–{get_column_letter(MAX_KOL)}). Ta bort innehåll och formatering utanför tabellen "
            "(markera raderna eller kolumnerna och välj Ta bort) och spara igen.")


def _utanfor(rad: int, kol: int) -> bool:
    return rad > MAX_RAD or kol > MAX_KOL or rad < 1 or kol < 1


def kontrollera_zip(data: bytes, filnamn: str) -> zipfile.ZipFile:
    """Filens och zip-delarnas storlek. Returnerar den öppna zip-filen."""
    if len(data) > MAX_STORLEK:
        raise Importfel([f"{filnamn}: filen är större än {_mb(MAX_STORLEK)}; högst {_mb(MAX_STORLEK)} tas emot"])
    if data[:8] == bytes.fromhex("D0CF11E0A1B11AE1"):
        raise Importfel([f"{filnamn}: filen är lösenordsskyddad eller i det gamla .xls-formatet. "
                         "Ta bort lösenordet och spara som Excel-arbetsbok (.xlsx)."])
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        delar = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Importfel([f"{filnamn}: filen är ingen Excel-fil (.xlsx). Har en CSV- eller textfil bytt namn? "
                         "Använd rapportmallen och spara som Excel-arbetsbok."]) from None
    if len(delar) > MAX_DELAR:
        raise Importfel([f"{filnamn}: filen har {len(delar)} delar; en rapport har högst {MAX_DELAR}"])
    if "xl/workbook.xml" not in {d.filename for d in delar}:
        raise Importfel([f"{filnamn}: filen är en zip-fil men ingen Excel-arbetsbok (.xlsx)"])
    return z


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def kontrollera_delar(z: zipfile.ZipFile, filnamn: str, delar: dict[str, str]) -> None:
    """Varje dels uppackade storlek (enligt zip-katalogen; zipfile läser aldrig mer än så) och summan."""
    blad_for_del = {d: b for b, d in delar.items()}
    totalt = 0
    for d in z.infolist():
        if d.file_size > MAX_DEL:
            vad = (f"Bladet '{blad_for_del[d.filename]}'" if d.filename in blad_for_del
                   else f"{filnamn}: delen {granser.citat(d.filename, 60)}")
            raise Importfel([f"{vad} är {_mb(d.file_size)} uppackat; högst {_mb(MAX_DEL)} per blad eller del "
                             "tas emot (mallen är några hundra kB)"])
        totalt += d.file_size
    if totalt > MAX_UPPACKAD:
        raise Importfel([f"{filnamn}: filen är {_mb(totalt)} uppackad; högst {_mb(MAX_UPPACKAD)} tas emot"])


def _liten_xml(z: zipfile.ZipFile, namn: str, filnamn: str) -> Optional[ET.Element]:
    try:
        info = z.getinfo(namn)
    except KeyError:
        return None
    if info.file_size > _MAX_LITEN_DEL:
        raise Importfel([f"{filnamn}: delen {namn} är {info.file_size / 1e3:.0f} kB; högst "
                         f"{_MAX_LITEN_DEL // 1024} kB"])
    try:
        return ET.fromstring(z.read(namn))
    except (ET.ParseError, zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise Importfel([f"{filnamn}: delen {namn} är trasig ({str(e)[:80]})"]) from None


def bladdelar(z: zipfile.ZipFile, filnamn: str) -> dict[str, str]:
    """Bladnamn (NFC) → zip-del, ur xl/workbook.xml och dess relationer."""
    wb = _liten_xml(z, "xl/workbook.xml", filnamn)
    rels = _liten_xml(z, "xl/_rels/workbook.xml.rels", filnamn)
    mal = {}
    if rels is not None:
        for r in rels.iter(f"{_NS_PKG}Relationship"):
            t = r.get("Target", "")
            mal[r.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    ut: dict[str, str] = {}
    for b in wb.iter(f"{_NS_MAIN}sheet"):
        del_ = mal.get(b.get(f"{_NS_REL}id"))
        if del_:
            ut[granser.normalisera(b.get("name", ""))] = del_
    return ut


def rakna_taggar(z: zipfile.ZipFile, filnamn: str, delar: dict[str, str]) -> None:
    """Antal XML-taggar ('<') i bladen och övriga XML-delar, räknat i C medan delarna packas upp och
    innan något tolkas: tiden och minnet för tolkningen är då begränsade vad filen än innehåller."""
    kvar = granser.MAX_TAGGAR
    blad_for_del = {d: b for b, d in delar.items()}
    for d in z.infolist():
        if d.filename not in blad_for_del and not d.filename.endswith((".xml", ".rels")):
            continue
        vad = (f"Bladet '{blad_for_del[d.filename]}'" if d.filename in blad_for_del
               else f"{filnamn}: delen {granser.citat(d.filename, 60)}")
        try:
            with z.open(d) as f:
                while bit := f.read(256 * 1024):
                    kvar -= bit.count(b"<")
                    if kvar < 0:
                        raise Importfel([f"{vad}: filen har fler än {granser.MAX_TAGGAR} XML-taggar; en ifylld "
                                         "mall har omkring 10 000"])
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
            raise Importfel([f"{vad} är trasigt och kunde inte läsas ({str(e)[:80]})"]) from None


_POSTER = {f"{_NS_MAIN}c", f"{_NS_MAIN}si", "c", "si"}


def _strom(z: zipfile.ZipFile, del_: str, vad: str) -> Iterator[ET.Element]:
    """Strömma en XML-del: ger varje färdigläst element; element utanför en cell (c) eller sträng (si)
    tas bort ur trädet när de lästs, så minnet inte växer med delens storlek."""
    parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    inne = 0                                        # djup inuti c/si
    i_post = 0                                      # element i den aktuella c/si
    try:
        with z.open(del_) as f:
            while True:
                bit = f.read(64 * 1024)
                if bit:
                    parser.feed(bit)
                else:
                    parser.close()
                for ev, el in parser.read_events():
                    if ev == "start":
                        stack.append(el)
                        if len(stack) > _MAX_DJUP:
                            raise Importfel([f"{vad}: XML-strukturen är djupare än {_MAX_DJUP} nivåer"])
                        if inne or el.tag in _POSTER:
                            i_post = 0 if not inne else i_post + 1
                            inne += 1
                            if i_post > _MAX_I_POST:
                                raise Importfel([f"{vad}: en cell eller text har fler än {_MAX_I_POST} delar"])
                        continue
                    stack.pop()
                    yield el
                    if inne:
                        inne -= 1
                    if not inne and stack:
                        stack[-1].remove(el)
                if not bit:
                    return
    except KeyError:
        raise Importfel([f"{vad}: delen {del_} saknas i filen"]) from None
    except (ET.ParseError, zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise Importfel([f"{vad}: filen är trasig och kunde inte läsas ({str(e)[:80]})"]) from None


def forkontrollera_blad(z: zipfile.ZipFile, blad: str, del_: str) -> Bladinfo:
    """Strömma bladets XML: dimension, sammanslagna celler och varje ifylld cells position inom
    gränserna och värde som går att läsa; formler utan sparat värde noteras. Tomma (bara formaterade)
    celler och rader hoppas över var de än står. Avbryter vid första överträdelsen."""
    info = Bladinfo(blad, del_)
    rad, kol = 0, 0
    for el in _strom(z, del_, f"Bladet '{blad}'"):
        tag = el.tag
        if tag == f"{_NS_MAIN}c":
            r = el.get("r")
            pos = _cell(r) if r else (max(rad, 1), kol + 1)
            if pos is None:
                raise Importfel([f"Bladet '{blad}': cellreferensen {granser.citat(r)} går inte att tolka"])
            rad, kol = pos
            f = el.find(f"{_NS_MAIN}f")
            v = el.find(f"{_NS_MAIN}v")
            if f is None and (v is None or not (v.text or "")) and el.find(f"{_NS_MAIN}is") is None:
                continue                                   # tom cell (bara formatering)
            ref = r or f"{get_column_letter(min(kol, 16384))}{rad}"
            if _utanfor(rad, kol):
                raise Importfel([_for_stort_text(blad, "cellen", ref)])
            if f is not None and (v is None or not (v.text or "")) and el.find(f"{_NS_MAIN}is") is None:
                info.formler_utan_varde[(rad, kol)] = (f.text or "delad formel")[:80]
            elif v is not None and v.text:
                _kontrollera_varde(info, el.get("t", "n"), v.text, ref, rad, kol)
        elif tag == f"{_NS_MAIN}row":
            r = el.get("r")
            try:
                rad = int(r) if r else rad + 1
            except ValueError:
                raise Importfel([f"Bladet '{blad}': radnumret {granser.citat(r)} går inte att tolka"]) from None
            if not 1 <= rad <= _EXCEL_MAX_RAD:
                raise Importfel([_for_stort_text(blad, "raden", str(rad))])
            kol = 0
        elif tag == f"{_NS_MAIN}dimension":
            _kontrollera_omrade(blad, "bladets storlek (dimension)", el.get("ref", ""), bara_bredd=True)
        elif tag == f"{_NS_MAIN}mergeCell":
            ref = el.get("ref", "")
            _kontrollera_omrade(blad, "den sammanslagna cellen", ref)
            info.sammanslagna.append(ref)
    return info


def _som_openpyxl_tal(text: str):
    """Talet som openpyxl läser det (int eller float); ValueError om det inte går."""
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


def _kontrollera_varde(info: Bladinfo, typ: str, text: str, ref: str, rad: int, kol: int) -> None:
    """Cellens sparade värde går att läsa som sin typ: ett tal är ett ändligt eller oändligt tal men
    aldrig NaN eller text, en delad text är ett nummer (som sedan måste finnas i filen)."""
    plats = f"Bladet '{info.namn}', rad {rad}, kolumn {get_column_letter(min(kol, 16384))} (cell {ref})"
    skadad = "filen är skadad eller sparad av ett annat program; skriv värdet igen i Excel och spara"
    try:
        if typ == "n":
            x = _som_openpyxl_tal(text)
            if isinstance(x, float) and x != x:
                raise ValueError("NaN")
        elif typ == "s":
            i = int(text)
            if i < 0:
                raise ValueError("negativt")
            if info.strangindex is None or i > info.strangindex[0]:
                info.strangindex = (i, ref)
        elif typ == "b":
            int(text)
        elif typ == "d":
            from_ISO8601(text)
    except (ValueError, OverflowError):
        if typ == "s":
            raise Importfel([f"{plats}: cellen ska hänvisa till en text i filen men hänvisningen "
                             f"{granser.citat(text)} går inte att läsa ({skadad})"]) from None
        vad = {"n": "ett tal", "b": "ett sanningsvärde", "d": "ett datum"}[typ]
        nan = " (NaN, ”inte ett tal”)" if text.strip().lower().lstrip("+-") == "nan" else ""
        raise Importfel([f"{plats}: cellen är sparad som {vad} men värdet {granser.citat(text)} är inget "
                         f"{vad.split()[-1]}{nan} ({skadad})"]) from None


def _forkontrollera_ovriga(z: zipfile.ZipFile, filnamn: str, blad: set[str]) -> dict[str, int]:
    """Övriga XML-delar (delade strängar, format, relationer …) som openpyxl läser: giltig XML och högst
    MAX_STRANGAR delade strängar. Returnerar antalet texter (si) per del."""
    antal: dict[str, int] = {}
    for d in z.infolist():
        if d.filename in blad or not d.filename.endswith((".xml", ".rels")):
            continue
        strangar = 0
        for el in _strom(z, d.filename, filnamn):
            if el.tag == f"{_NS_MAIN}si":
                strangar += 1
                if strangar > granser.MAX_STRANGAR:
                    raise Importfel([f"{filnamn}: filen har fler än {granser.MAX_STRANGAR} olika texter; "
                                     "en rapport har långt färre"])
        antal[d.filename] = strangar
    return antal


def _delade_texter(z: zipfile.ZipFile, filnamn: str, antal: dict[str, int]) -> int:
    """Antalet delade texter som openpyxl läser: delen som [Content_Types].xml anger för dem."""
    typer = _liten_xml(z, "[Content_Types].xml", filnamn)
    if typer is None:
        return 0
    for o in typer.iter("{http://schemas.openxmlformats.org/package/2006/content-types}Override"):
        if o.get("ContentType") == SHARED_STRINGS:
            return antal.get(o.get("PartName", "").lstrip("/"), 0)
    return 0


def _kontrollera_strangindex(infos: dict[str, Bladinfo], texter: int) -> None:
    for info in infos.values():
        if info.strangindex is not None and info.strangindex[0] >= texter:
            i, ref = info.strangindex
            raise Importfel([f"Bladet '{info.namn}', cell {ref}: cellen hänvisar till text nummer {i + 1} men "
                             f"filen har {texter} texter (filen är skadad eller sparad av ett annat program; "
                             "öppna den i Excel och spara igen)"])


def _kontrollera_omrade(blad: str, vad: str, ref: str, bara_bredd: bool = False) -> None:
    """Området inom gränserna (bara_bredd: raderna får gå till Excels sista rad – dimensionen tar med
    rader som bara är formaterade)."""
    o = _omrade(ref)
    if o is None:
        raise Importfel([f"Bladet '{blad}': {vad} {granser.citat(ref)} går inte att tolka"])
    hogsta = _EXCEL_MAX_RAD if bara_bredd else MAX_RAD
    if not (1 <= o[0] and o[2] <= hogsta and 1 <= o[1] and o[3] <= MAX_KOL):
        raise Importfel([_for_stort_text(blad, vad, ref)])


def oppna(data: bytes, filnamn: str, blad: list[str]) -> tuple[object, dict[str, Bladinfo], dict[str, str]]:
    """Kontrollera filen och öppna den för strömmande läsning. Returnerar (arbetsbok i read_only-läge,
    förhandskontroll per blad som finns, bladnamn i filen per NFC-namn)."""
    z = kontrollera_zip(data, filnamn)
    delar = bladdelar(z, filnamn)
    kontrollera_delar(z, filnamn, delar)
    rakna_taggar(z, filnamn, delar)
    infos = {b: forkontrollera_blad(z, b, delar[b]) for b in blad if b in delar}
    antal = _forkontrollera_ovriga(z, filnamn, set(delar.values()))
    _kontrollera_strangindex(infos, _delade_texter(z, filnamn, antal))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 – openpyxl kastar många slags fel för trasiga filer
        log.info("openpyxl kunde inte läsa %s: %r", filnamn, e)
        raise Importfel([f"{filnamn}: filen kunde inte läsas som Excel-arbetsbok "
                         f"({type(e).__name__}: {str(e)[:80] or 'okänt fel'})"]) from None
    namn = {granser.normalisera(n): n for n in wb.sheetnames}
    return wb, infos, namn


def rader(ws, blad: str, max_kol: int = MAX_KOL) -> Iterator[tuple]:
    """Bladets rader (cell-tupler) inom gränserna, strömmande. Det förhandskontrollen inte fångat och
    openpyxl inte kan läsa blir ett Importfel som namnger bladet, aldrig ett Python-fel."""
    it = ws.iter_rows(min_row=1, max_row=MAX_RAD, min_col=1, max_col=max_kol)
    nr = 0
    while True:
        try:
            rad = next(it)
        except StopIteration:
            return
        except (ValueError, IndexError, KeyError, TypeError, OverflowError, ET.ParseError) as e:
            log.info("openpyxl kunde inte läsa bladet %s efter rad %d: %r", blad, nr, e)
            raise Importfel([f"Bladet '{blad}': rad {nr + 1} kunde inte läsas ({type(e).__name__}: "
                             f"{str(e)[:80] or 'okänt fel'}); filen är skadad – öppna den i Excel och spara igen"]) from None
        nr += 1
        yield rad
