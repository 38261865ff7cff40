"""Lagring: modellerna, databasen, migreringarna, startsteget, inställningarna och cachen."""
