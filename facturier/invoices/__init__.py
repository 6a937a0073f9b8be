"""Invoices (demandes de paiement): the immutable deposited record, its status lifecycle and its
deposit certificate. Models: models.py; status changes: transitions.py; deposit: services.py."""
