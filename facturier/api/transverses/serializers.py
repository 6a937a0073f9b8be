"""Serializers of the « Transverses » operations (wire names as in api.md §6)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.serializers import ChorusResponseSerializer


class HealthCheckOutput(ChorusResponseSerializer):
    """A serialised Spring ``ResponseEntity`` (api.md T3): PY-CA reads ``body``,
    ``statusCodeValue`` and ``statusCode``; GO decodes ``body`` as a string and
    ``statusCodeValue`` as an int."""

    headers = serializers.DictField(child=serializers.CharField(), help_text="Always {}.")
    body = serializers.CharField()
    statusCode = serializers.CharField(help_text='"OK".')
    statusCodeValue = serializers.IntegerField(help_text="200.")
