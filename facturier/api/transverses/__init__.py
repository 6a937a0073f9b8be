"""API « Transverses » — `/cpro/transverses/v1/...` (api.md §4.2, §6). Operations: views.py;
their serializers: serializers.py; routes: urls.py."""
