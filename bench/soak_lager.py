"""Uthållighetsprov för det lokala lagret (issue 21, fynd 7): appen körs som kor.sh kör den
(`python app.py`: Flasks trådade utvecklingsserver, ingen Redis) och samtidigt i gunicorn med
flera arbetare – mot samma databas och samma MALKOLL_DATA_DIR, alltså samma lagerkatalog – under
samtidig last. Lagret är litet (MALKOLL_LAGER_MB=1) så att det hela tiden sparar, tar bort och
läser färdiga sidor och frågesvar. Provet underkänns om loggen någonstans säger "malformed" eller
att lagret inte svarar, eller om /halsa någon gång svarar annat än ok för databasen och lagret.

    python -m bench.soak_lager --minuter 30          # resultatet: docs/benchmarks.md
    tests/test_soak_lager.py kör samma sak i ~40 s i CI.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent
if str(ROT) not in sys.path:
    sys.path.insert(0, str(ROT))

from bench._verktyg import ledig_port, maskin  # noqa: E402

FEL_I_LOGGEN = ("malformed", "Delade lagret svarar inte", "lokala lagret", "Traceback")


@dataclass
class Resultat:
    anrop: int = 0
    fel: list[str] = field(default_factory=list)
    halsa: int = 0
    halsa_fel: list[str] = field(default_factory=list)
    per_server: dict = field(default_factory=dict)

    def ok(self) -> bool:
        return not self.fel and not self.halsa_fel


class Appserver:
    """En Målkoll-process i en egen processgrupp, loggen till en fil."""

    def __init__(self, satt: str, miljo: dict, logg: Path):
        self.satt, self.port, self.logg = satt, ledig_port(), logg
        self.bas = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROT), "HOST": "127.0.0.1", "PORT": str(self.port), **miljo}
        for k in ("REDIS_URL", "MALKOLL_DEBUG", "MALKOLL_CACHE_DIR"):
            env.pop(k, None)
        if satt == "kor.sh":   # som kor.sh: python app.py (Flasks trådade server)
            kommando = [sys.executable, "app.py"]
        else:
            gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
            kommando = [gunicorn, "app:server", "-w", "3", "--threads", "2", "--no-control-socket",
                        "-b", f"127.0.0.1:{self.port}", "--timeout", "120"]
        self._ut = open(logg, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(kommando, cwd=ROT, env=env, stdout=self._ut, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def vanta(self, timeout: float = 240) -> None:
        slut = time.time() + timeout
        while time.time() < slut:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.satt} avslutades:\n{self.logg.read_text(errors='replace')[-3000:]}")
            try:
                urllib.request.urlopen(self.bas + "/_dash-layout", timeout=5).read()
                return
            except Exception:  # noqa: BLE001
                time.sleep(0.3)
        raise RuntimeError(f"{self.satt} startade inte inom {timeout} s")

    def stoppa(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)   # bara vår egen grupp
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass
        self._ut.close()


def _sidanrop(bas: str) -> dict:
    """Dash Pages-anropet som ritar en sida (ur /_dash-dependencies)."""
    deps = json.loads(urllib.request.urlopen(bas + "/_dash-dependencies", timeout=30).read())
    return next(c for c in deps if "_pages_content.children" in c["output"])


def _posta_sida(bas: str, cb: dict, sokvag: str, sok: str) -> int:
    delar = cb["output"].removeprefix("..").removesuffix("..").split("...")
    ut = [{"id": d.rsplit(".", 1)[0], "property": d.rsplit(".", 1)[1]} for d in delar]
    varden = {"_pages_location.pathname": sokvag, "_pages_location.search": sok}
    kropp = {"output": cb["output"], "outputs": ut,
             "inputs": [{**i, "value": varden.get(f"{i['id']}.{i['property']}")} for i in cb["inputs"]],
             "state": [], "changedPropIds": list(varden)}
    req = urllib.request.Request(bas + "/_dash-update-component", data=json.dumps(kropp).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Origin": bas})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _halsa(bas: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(bas + "/halsa", timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, {}
    except Exception as e:  # noqa: BLE001
        return 0, {"fel": str(e)}


def _halsa_ok(innehall: dict) -> bool:
    """/halsa: databasen och lagret ok (anonymt visas bara ok/fel, inga detaljer)."""
    lager = innehall.get("delat_lager")
    lager_ok = lager == "ok" or (isinstance(lager, dict) and lager.get("svarar"))
    return innehall.get("status") == "ok" and bool(lager_ok)


def _sidor() -> list[tuple[str, str]]:
    """Sidor × perioder (kanoniska sökparametrar): många olika färdiga sidor för lagret."""
    from data.uppfoljning import fragor
    plan = fragor.los_plan()
    perioder = list(fragor.perioder(plan).namn)
    nr = list(fragor.malomraden(plan).nr)
    from data.uppfoljning.urval import Urval
    vagar = ["/", *[f"/malomrade/{n}" for n in nr], "/budget", "/arbetsgivare", "/sarskilda-uppdrag"]
    return [(v, Urval(period=p).till_sok()) for v in vagar for p in [None, *perioder]]


def _last(server: Appserver, cb: dict, sidor: list, slut: float, res: Resultat, las: threading.Lock) -> None:
    rnd = random.Random()
    while time.time() < slut:
        sokvag, sok = rnd.choice(sidor)
        try:
            status = _posta_sida(server.bas, cb, sokvag, sok)
        except Exception as e:  # noqa: BLE001
            status = f"{type(e).__name__}: {e}"
        with las:
            res.anrop += 1
            res.per_server[server.satt] = res.per_server.get(server.satt, 0) + 1
            if status != 200:
                res.fel.append(f"{server.satt} {sokvag}{sok}: {status}")


def _vakt(servrar: list[Appserver], slut: float, res: Resultat, las: threading.Lock) -> None:
    while time.time() < slut:
        for s in servrar:
            kod, innehall = _halsa(s.bas)
            with las:
                res.halsa += 1
                if kod != 200 or not _halsa_ok(innehall):
                    res.halsa_fel.append(f"{s.satt} /halsa {kod} {innehall}")
        time.sleep(1.0)


def kor(sekunder: float, tradar: int = 4, katalog: Path | None = None) -> tuple[Resultat, list[Path]]:
    """Starta båda sätten mot en databas och en datakatalog, lasta dem i `sekunder` och granska
    loggarna. Returnerar resultatet och loggfilerna."""
    from data.lagring.installningar import Installningar
    from data.planen import forbered
    katalog = Path(katalog or tempfile.mkdtemp(prefix="malkoll_soak_"))
    databas = f"sqlite:///{katalog / 'malkoll.sqlite'}"
    miljo = {"DATABASE_URL": databas, "MALKOLL_DATA_DIR": str(katalog / "data"), "MALKOLL_LAGER_MB": "1",
             "MALKOLL_EXEMPEL": "ja"}
    gammal = {k: os.environ.get(k) for k in [*miljo, "MALKOLL_CACHE"]}
    os.environ.update({**miljo, "MALKOLL_CACHE": "av"})
    try:
        forbered.forbered(Installningar.fran_miljo())   # schema och plan, en gång före servrarna
        sidor = _sidor()
    finally:
        for k, v in gammal.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    servrar = [Appserver("kor.sh", miljo, katalog / "kor.log"), Appserver("gunicorn", miljo, katalog / "gunicorn.log")]
    res, las = Resultat(), threading.Lock()
    try:
        for s in servrar:
            s.vanta()
        cb = _sidanrop(servrar[0].bas)
        slut = time.time() + sekunder
        tradarna = [threading.Thread(target=_last, args=(s, cb, sidor, slut, res, las), daemon=True)
                    for s in servrar for _ in range(tradar)]
        tradarna.append(threading.Thread(target=_vakt, args=(servrar, slut, res, las), daemon=True))
        for t in tradarna:
            t.start()
        for t in tradarna:
            t.join(sekunder + 300)
        for s in servrar:   # efter lasten: lagret svarar fortfarande
            kod, innehall = _halsa(s.bas)
            if kod != 200 or not _halsa_ok(innehall):
                res.halsa_fel.append(f"{s.satt} /halsa efteråt {kod} {innehall}")
    finally:
        for s in servrar:
            s.stoppa()
    for s in servrar:
        text = s.logg.read_text(errors="replace")
        for monster in FEL_I_LOGGEN:
            if monster in text:
                rad = next(r for r in text.splitlines() if monster in r)
                res.fel.append(f"{s.satt}: loggen har {monster!r}: {rad[:300]}")
    return res, [s.logg for s in servrar]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minuter", type=float, default=30.0)
    ap.add_argument("--tradar", type=int, default=4, help="samtidiga klienter per server")
    a = ap.parse_args(argv)
    print(maskin(), flush=True)
    t0 = time.time()
    res, loggar = kor(a.minuter * 60, a.tradar)
    print(f"{(time.time() - t0) / 60:.1f} min · {res.anrop} sidanrop ({res.per_server}) · "
          f"{res.halsa} /halsa-kontroller · {len(res.fel)} fel · {len(res.halsa_fel)} /halsa-fel")
    for f in (res.fel + res.halsa_fel)[:20]:
        print("  ", f)
    print("loggar:", *loggar)
    print("GODKÄND" if res.ok() else "UNDERKÄND")
    return 0 if res.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
