"""API « Structures » — `/cpro/structures/v1/...` (api.md §4). Operations: views.py; routes: urls.py."""
