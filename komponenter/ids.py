"""Alla komponent-id:n på ett ställe."""
PLATS = "_pages_location"          # Dash Pages egen dcc.Location (filter skrivs till dess search)
FILTER_ENHET = "filter-enhet"
FILTER_ROLL = "filter-roll"
FILTER_PERIOD = "filter-period"
FILTER_STATUS = "filter-status"
FILTER_OMRADE = "filter-omrade"     # sidans sökväg, för att bygga om URL:en
EXPORT_KNAPP = "export-knapp"
EXPORT_NEDLADDNING = "export-nedladdning"
BUDGET_ENHET = "budget-enhet"
