"""API « Factures » — `/cpro/factures/v1/...` (api.md §4). Operations: views.py; routes: urls.py."""
