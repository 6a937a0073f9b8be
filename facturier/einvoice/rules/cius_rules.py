"""Registers the CIUS-layer rules (Peppol BIS 3 and its national rules) with the rule engine."""

import facturier.einvoice.cius.rules  # noqa: F401  (import for the registration side effect)
