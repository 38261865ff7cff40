"""Alla komponent-id:n på ett ställe."""
PLATS = "_pages_location"          # Dash Pages egen dcc.Location (filter skrivs till dess search)
# Filtrens id:n är mönster-id:n {"typ": "filter", "namn": …}: komponenter.filter.filter_id
EXPORT_KNAPP = "export-knapp"
EXPORT_NEDLADDNING = "export-nedladdning"
BUDGET_ENHET = "budget-enhet"
