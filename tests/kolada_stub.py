"""En lokal stubbe för Koladas API v3 (bara 127.0.0.1, i testprocessen), med exakt de former som
data/utdata/kolada.py beskriver: /kpi/<id>, /municipality_groups/<id> (members: member_id,
member_title), /data/kpi/<id>/year/<år> och /data/kpi/<id>/municipality/<id:n>/year/<år>, med
sidor via next_url (per_page), 503 (fel_forst), 429 med Retry-After (begransa) och ett anrop som
aldrig svarar (seg: tidsgräns). Värdena är syntetiska testdata, inga riktiga Kolada-värden."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

KOMMUNER = ["0000", "0188"] + [f"{i:04d}" for i in range(114, 2600, 9) if i != 188][:289]
GRUPP = {"id": "G37481", "title": "Liknande kommuner, övergripande, Norrtälje, 2025",
         "members": [{"member_id": k, "member_title": f"Kommun {k}"}
                     for k in ("0114", "0480", "1290", "1293", "1485", "2081", "2181")]}


def varde(kpi: str, kommun: str, ar: int) -> float:
    """Deterministiskt syntetiskt värde: 0188 ligger i övre mitten, riket i mitten."""
    if kommun.startswith("G"):
        return 42.0
    if kommun == "0000":
        return 50.0 + (ar - 2015)
    if kommun == "0188":
        return 60.0 + 2 * (ar - 2015)
    return float((int(kommun) * 37 + ar * 11) % 100)


class Stubbe:
    def __init__(self, sidstorlek: int = 200, fel_forst: int = 0, begransa: int = 0, retry_after: str = "7",
                 seg: int = 0):
        self.sidstorlek, self.fel_kvar, self.begr_kvar, self.seg_kvar = sidstorlek, fel_forst, begransa, seg
        self.retry_after, self.anrop, self.slapp = retry_after, [], threading.Event()
        stubbe = self

        class Hanterare(BaseHTTPRequestHandler):
            def log_message(self, *a):  # tyst
                pass

            def do_GET(self):
                stubbe.anrop.append(self.path)
                if stubbe.seg_kvar > 0:
                    stubbe.seg_kvar -= 1
                    stubbe.slapp.wait(10)      # svarar inte: klientens tidsgräns ska slå till
                    return
                if stubbe.fel_kvar > 0:
                    stubbe.fel_kvar -= 1
                    return self._tomt(503)
                if stubbe.begr_kvar > 0:
                    stubbe.begr_kvar -= 1
                    return self._tomt(429, {"Retry-After": stubbe.retry_after})
                svar = stubbe.svar(self.path, f"http://127.0.0.1:{self.server.server_address[1]}")
                if svar is None:
                    return self._tomt(404)
                data = json.dumps(svar).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _tomt(self, kod: int, huvuden: dict | None = None):
                self.send_response(kod)
                for k, v in (huvuden or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Hanterare)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"
        self.trad = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.trad.start()
        return self

    def __exit__(self, *a):
        self.slapp.set()
        self.server.shutdown()
        self.server.server_close()

    def svar(self, sokvag: str, bas: str):
        vag, _, fraga = sokvag.partition("?")
        q = {k: v[-1] for k, v in parse_qs(fraga).items()}
        sida = int(q.get("page", 1))
        per_sida = min(int(q.get("per_page", 5000)), self.sidstorlek)
        d = vag.removeprefix("/v3/").strip("/").split("/")
        if d[0] == "kpi" and len(d) == 2:
            return {"values": [{"id": d[1], "title": f"Syntetiskt nyckeltal {d[1]}", "description": "Stubbe",
                                "is_divided_by_gender": True}]}
        if d[0] == "municipality_groups" and len(d) == 2:
            return {"values": [GRUPP] if d[1] == GRUPP["id"] else []}
        if d[0] != "data" or d[1] != "kpi" or len(d) < 5:
            return None
        kpi, rest = d[2], d[3:]
        kommuner = rest[1].split(",") if rest[0] == "municipality" else KOMMUNER
        if len(kommuner) > 25 and rest[0] == "municipality":
            return None
        ar = [int(a) for a in rest[-1].split(",")]
        poster = [{"kpi": kpi, "period": a, "municipality": k,
                   "values": [{"gender": "T", "count": 1, "status": None, "value": varde(kpi, k, a), "isdeleted": False}]
                   + ([{"gender": "K", "count": 1, "status": None, "value": varde(kpi, k, a) + 1, "isdeleted": False},
                       {"gender": "M", "count": 1, "status": "Saknas", "value": None, "isdeleted": False}]
                      if k == "0188" else [])}
                  for a in ar for k in kommuner if k in KOMMUNER or k == GRUPP["id"]]
        bit = poster[(sida - 1) * per_sida: sida * per_sida]
        nasta = f"{bas}{vag}?page={sida + 1}&per_page={per_sida}" if sida * per_sida < len(poster) else None
        return {"values": bit, "next_url": nasta}
