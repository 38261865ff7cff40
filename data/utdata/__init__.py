"""Utdata: Excel-exporten, öppna data (API), Kolada och skattepengarna."""
