"""Dokumentmodellen → Word (.docx) med python-docx: rubriker i Words rubrikformat (Rubrik 1–3, så att
navigeringsfönstret och innehållsförteckningen fungerar), tabeller med upprepad rubrikrad, bilder med
textalternativ, svenska som dokumentets språk. Kommunens egen mall (en .docx i planens katalog) ger
formaten när den finns; annars python-docx:s standardmall. Samma modell ger samma fil (zip-posternas
tider och dokumentets egenskaper sätts till genereringstiden)."""
from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT  # noqa: F401
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from data.utdata.delarsrapport.bygg import stil
from data.utdata.delarsrapport.modell import (Bild, Dokument, Punktlista, Rubrik, Sidbrytning, Stycke, Tabell)

log = logging.getLogger(__name__)

MIMETYP = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXEMPELFARG = "FFF3CD"
TABELLSTORLEK = Pt(9)        # tabellernas text: statusorden ryms i sin kolumn


def _stil(doc, namn: str, reserv: str | None = None) -> str | None:
    """Formatets id om mallen har formatet med namnet (annars reservens, annars None = dokumentets
    standard). Slås upp en gång per dokument: python-docx letar annars upp standardformatet i hela
    formatlistan vid varje stycke med format (en tredjedel av Word-filens tid)."""
    cache = doc.__dict__.setdefault("_malkoll_stilar", {})
    if (namn, reserv) not in cache:
        cache[(namn, reserv)] = None
        for n in (namn, reserv):
            if n:
                try:
                    cache[(namn, reserv)] = doc.styles[n].style_id
                    break
                except KeyError:
                    continue
    return cache[(namn, reserv)]


def _paragraf(doc, text: str = "", stil_id: str | None = None):
    """Ett stycke sist i dokumentet med formatet (id från `_stil`)."""
    p = doc.add_paragraph(text)
    if stil_id:
        p._p.style = stil_id
    return p


def _sprak(doc) -> None:
    """Dokumentets språk: svenska (stavningskontroll, skärmläsarens uttal)."""
    rpr = doc.styles.element.find(qn("w:docDefaults"))
    if rpr is None:
        return
    rpr = rpr.find(qn("w:rPrDefault"))
    rpr = rpr.find(qn("w:rPr")) if rpr is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "sv-SE")


def _skugga(cell, farg: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), farg.lstrip("#").upper())
    tcpr.append(shd)


def _rubrikrad(rad) -> None:
    """Rubrikraden upprepas på varje sida och läses som rubrik av skärmläsare (w:tblHeader)."""
    trpr = rad._tr.get_or_add_trPr()
    h = OxmlElement("w:tblHeader")
    h.set(qn("w:val"), "true")
    trpr.append(h)


def _cell_text(cell, text: str, fet: bool = False, hoger: bool = False, farg: str | None = None,
               kursiv: bool = False) -> None:
    delar = (text or "").split("\n")
    p = cell.paragraphs[0]
    for i, del_ in enumerate(delar):
        if i:
            p = cell.add_paragraph()
        if hoger:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        r = p.add_run(del_)
        r.font.size = TABELLSTORLEK
        r.bold = fet or None
        r.italic = kursiv or None
        if farg:
            r.font.color.rgb = RGBColor.from_string(farg.lstrip("#").upper())


def _tabell(doc, t: Tabell) -> None:
    bildtext = _paragraf(doc, t.rubrik, _stil(doc, "Caption"))
    bildtext.paragraph_format.keep_with_next = True
    tab = doc.add_table(rows=1 + len(t.rader), cols=len(t.kolumner))
    s = _stil(doc, "Table Grid")
    if s is not None:
        tab._tbl.tblStyle_val = s
    tab.alignment = WD_TABLE_ALIGNMENT.CENTER
    tab.autofit = False
    total = sum(t.bredder) or 1
    bredder = [Cm(16.5 * b / total) for b in t.bredder] if t.bredder else [None] * len(t.kolumner)
    if t.bredder:
        for kol, w in zip(tab.columns, bredder):     # tabellens rutnät (LibreOffice läser det)
            kol.width = w
    rader = tab.rows
    huvud = rader[0]
    _rubrikrad(huvud)
    for j, (cell, namn) in enumerate(zip(huvud.cells, t.kolumner)):
        _cell_text(cell, namn, fet=True, hoger=j in t.tal)
        _skugga(cell, "E6E6E6")
        if bredder[j] is not None:
            cell.width = bredder[j]
    for i, (rad, celler) in enumerate(zip(rader[1:], t.rader)):
        summa = i in t.summarader
        for j, (cell, c) in enumerate(zip(rad.cells, celler)):
            if bredder[j] is not None:
                cell.width = bredder[j]              # Word läser cellernas bredd
            if c.status:
                bg, fg, _sym, _k = stil(c.status)
                _cell_text(cell, c.text, fet=True, farg=fg)
                _skugga(cell, bg)
            else:
                _cell_text(cell, c.text, fet=summa, hoger=j in t.tal, kursiv=c.exempel)
                if c.exempel:
                    _skugga(cell, EXEMPELFARG)
    doc.add_paragraph()


def _bild(doc, b: Bild) -> None:
    doc.add_picture(io.BytesIO(b.png), width=Cm(b.bredd_cm))
    p = doc.paragraphs[-1]
    p.paragraph_format.keep_with_next = True
    for dp in p._p.iter(qn("wp:docPr")):
        dp.set("descr", b.alt)          # textalternativet (Word: "Alternativ text")
        dp.set("title", b.bildtext)
    _paragraf(doc, b.bildtext, _stil(doc, "Caption"))


def _stycke(doc, s: Stycke) -> None:
    p = doc.add_paragraph()
    if s.etikett:
        p.add_run(s.etikett).bold = True
    r = p.add_run(s.text)
    if s.status:
        bg, fg, _sym, _k = stil(s.status)
        r.bold = True
        r.font.color.rgb = RGBColor.from_string(fg.lstrip("#").upper())
        rpr = r._r.get_or_add_rPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), bg.lstrip("#").upper())
        rpr.append(shd)
    elif s.stil == "kursiv":
        r.italic = True
    elif s.stil == "liten":
        r.font.size = Pt(8.5)
        r.font.color.rgb = RGBColor(0x4D, 0x4D, 0x4D)
    elif s.stil == "exempel":
        r.italic = True
        r.font.color.rgb = RGBColor(0x66, 0x4D, 0x03)


def _omslag(doc, d: Dokument) -> None:
    o = d.omslag
    if o.kommun:
        _paragraf(doc, o.kommun, _stil(doc, "Subtitle"))
    _paragraf(doc, d.titel, _stil(doc, "Title"))
    for etikett, v in (("Nämnd", o.namnd), ("Plan", o.plan), ("Period", o.period), ("Periodens slut", o.datum),
                       ("Diarienummer", o.diarienummer)):
        if v:
            p = doc.add_paragraph()
            p.add_run(f"{etikett}: ").bold = True
            p.add_run(v)
    if o.urval:
        doc.add_paragraph(o.urval).runs[0].italic = True
    p = doc.add_paragraph()
    r = p.add_run(f"Skapad med Målkoll {d.genererad:%Y-%m-%d %H:%M}")
    r.font.size = Pt(8.5)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _innehall(doc, d: Dokument) -> None:
    """Innehållsförteckningen: ett TOC-fält (Word fyller i sidnummer vid öppning) med rubrikerna i förväg."""
    p = _paragraf(doc, "Innehåll", _stil(doc, "TOC Heading", "Heading 1"))
    p = doc.add_paragraph()
    def fld(typ):
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), typ)
        r = OxmlElement("w:r")
        r.append(e)
        return r
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    r_instr = OxmlElement("w:r")
    r_instr.append(instr)
    p._p.append(fld("begin"))
    p._p.append(r_instr)
    p._p.append(fld("separate"))
    for i, rubrik in enumerate(d.rubriker(2)):
        r = p.add_run(("    " if rubrik.niva == 2 else "") + rubrik.text)
        if i < len(d.rubriker(2)) - 1:
            r.add_break()
    p._p.append(fld("end"))
    installningar = doc.settings.element
    uf = OxmlElement("w:updateFields")
    uf.set(qn("w:val"), "true")
    installningar.append(uf)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _deterministisk(data: bytes, nu: dt.datetime) -> bytes:
    """Samma innehåll ger samma fil: zip-posterna i samma ordning med genereringstiden som tid."""
    ut = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(ut, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            ny = zipfile.ZipInfo(info.filename, date_time=(max(nu.year, 1980), nu.month, nu.day, nu.hour,
                                                             nu.minute, nu.second))
            ny.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(ny, zin.read(info.filename))
    return ut.getvalue()


def skriv(d: Dokument, mall: Path | None = None) -> bytes:
    """Dokumentet som .docx-bytes; `mall`: kommunens Word-mall (formaten, sidhuvud och -fot tas därifrån)."""
    doc = Document(str(mall)) if mall else Document()
    if mall:                              # mallens eget innehåll (exempeltext) ersätts av rapporten
        kropp = doc.element.body
        for barn in list(kropp):
            if barn.tag != qn("w:sectPr"):
                kropp.remove(barn)
    _sprak(doc)
    cp = doc.core_properties
    cp.title, cp.author, cp.language = d.titel, "Målkoll", "sv-SE"
    cp.subject = f"{d.omslag.namnd} – {d.omslag.period}"
    cp.created = cp.modified = d.genererad
    cp.last_modified_by, cp.revision, cp.comments = "Målkoll", 1, ""
    cp.last_printed = dt.datetime(2000, 1, 1)
    _omslag(doc, d)
    _innehall(doc, d)
    forsta = True
    for b in d.block:
        if isinstance(b, Rubrik):
            _paragraf(doc, b.text, _stil(doc, f"Heading {b.niva}"))
        elif isinstance(b, Stycke):
            _stycke(doc, b)
        elif isinstance(b, Punktlista):
            for punkt in b.punkter:
                _paragraf(doc, punkt, _stil(doc, "List Bullet"))
        elif isinstance(b, Tabell):
            _tabell(doc, b)
        elif isinstance(b, Bild):
            _bild(doc, b)
        elif isinstance(b, Sidbrytning):
            if not forsta:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        forsta = False
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministisk(buf.getvalue(), d.genererad)
