"""Alembic-miljön för Målkoll: schemat är data.lagring.models.Bas.metadata.

Körs av startsteget (`data.lagring.start.uppgradera`) med anslutningen i config.attributes["connection"],
eller av en operatör: `python -m data.start uppgradera`.
"""
from __future__ import annotations

from alembic import context

from data.lagring.models import Bas

config = context.config
target_metadata = Bas.metadata


def _kor(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


anslutning = config.attributes.get("connection")
if anslutning is not None:
    _kor(anslutning)
else:  # pragma: no cover - operatörens egen alembic-körning
    from data.lagring import db
    with db.motor(config.get_main_option("sqlalchemy.url") or None).begin() as c:
        _kor(c)
