"""API « Utilisateurs » — `/cpro/utilisateurs/v1/...` (api.md §4). Operations: views.py; routes: urls.py."""
