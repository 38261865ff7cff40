"""Frågesvar som data, inte som pickle: DataFrames, Series, datum och vanliga Python-värden till
JSON och tillbaka med samma typer (kolumnernas dtype, index, datum, NaN/None/NaT).

`koda(varde) -> bytes` och `avkoda(bytes) -> varde`. Avkodningen skapar bara data (ingen kod
körs, inga klasser slås upp efter namn), så ett planterat värde kan i värsta fall ge fel data –
aldrig köra något.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

TILLATNA_DTYPER = {"int64", "int32", "float64", "float32", "bool", "object", "str", "string",
                   "Int64", "Float64", "boolean", "datetime64[ns]", "datetime64[us]", "datetime64[ms]",
                   "datetime64[s]"}


class Kodfel(ValueError):
    """Värdet går inte att koda (okänd typ) eller avkoda."""


def _till(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return {"f": repr(f)} if math.isnan(f) or math.isinf(f) else f
    if v is pd.NaT:
        return {"nat": 1}
    if v is pd.NA:
        return {"na": 1}
    if isinstance(v, pd.Timestamp):
        return {"ts": v.isoformat()}
    if isinstance(v, dt.datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, dt.date):
        return {"d": v.isoformat()}
    if isinstance(v, pd.DataFrame):
        return {"df": {"kol": [_till(k) for k in v.columns],
                       "typ": [str(t) for t in v.dtypes],
                       "data": [[_till(x) for x in v.iloc[:, i].tolist()] for i in range(v.shape[1])],
                       "index": _index(v.index)}}
    if isinstance(v, pd.Series):
        return {"s": {"namn": _till(v.name), "typ": str(v.dtype), "data": [_till(x) for x in v.tolist()],
                      "index": _index(v.index)}}
    if isinstance(v, tuple):
        return {"t": [_till(x) for x in v]}
    if isinstance(v, list):
        return [_till(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return {"set": [_till(x) for x in sorted(v, key=repr)]}
    if isinstance(v, np.ndarray):
        return [_till(x) for x in v.tolist()]
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {"o": {k: _till(x) for k, x in v.items()}}
        return {"kv": [[_till(k), _till(x)] for k, x in v.items()]}
    raise Kodfel(f"Kan inte koda {type(v).__name__}")


def _index(ix: pd.Index):
    if isinstance(ix, pd.RangeIndex):
        return {"r": [ix.start, ix.stop, ix.step], "namn": _till(ix.name)}
    return {"v": [_till(x) for x in ix.tolist()], "typ": str(ix.dtype), "namn": _till(ix.name)}


def _dtyp(t: str) -> str:
    if t not in TILLATNA_DTYPER:
        raise Kodfel(f"okänd dtype {t!r}")
    return t


def _fran_index(d) -> pd.Index:
    if "r" in d:
        return pd.RangeIndex(*[int(x) for x in d["r"]], name=_fran(d["namn"]))
    return pd.Index([_fran(x) for x in d["v"]], dtype=_dtyp(d["typ"]), name=_fran(d["namn"]))


def _fran(v):
    if v is None or isinstance(v, (bool, str, int, float)):
        return v
    if isinstance(v, list):
        return [_fran(x) for x in v]
    if not isinstance(v, dict) or len(v) != 1:
        raise Kodfel("felaktigt kodat värde")
    (tagg, x), = v.items()
    if tagg == "o":
        return {k: _fran(y) for k, y in x.items()}
    if tagg == "kv":
        return {_fran(k): _fran(y) for k, y in x}
    if tagg == "t":
        return tuple(_fran(y) for y in x)
    if tagg == "set":
        return {_fran(y) for y in x}
    if tagg == "f":
        return float(x)
    if tagg == "nat":
        return pd.NaT
    if tagg == "na":
        return pd.NA
    if tagg == "ts":
        return pd.Timestamp(x)
    if tagg == "dt":
        return dt.datetime.fromisoformat(x)
    if tagg == "d":
        return dt.date.fromisoformat(x)
    if tagg == "s":
        return pd.Series([_fran(y) for y in x["data"]], dtype=_dtyp(x["typ"]), name=_fran(x["namn"]),
                         index=_fran_index(x["index"]))
    if tagg == "df":
        index = _fran_index(x["index"])
        kolumner = {i: pd.Series([_fran(y) for y in data], dtype=_dtyp(t), index=index)
                    for i, (t, data) in enumerate(zip(x["typ"], x["data"]))}
        df = pd.DataFrame(kolumner, index=index)
        df.columns = [_fran(k) for k in x["kol"]]
        return df
    raise Kodfel(f"okänd tagg {tagg!r}")


def koda(varde) -> bytes:
    return json.dumps(_till(varde), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def avkoda(data: bytes):
    try:
        return _fran(json.loads(data))
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise Kodfel(f"kan inte avkoda: {e}") from e
