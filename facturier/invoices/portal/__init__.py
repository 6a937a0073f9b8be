"""Portal pages of invoice entry, in « Factures émises »: deposit a PDF invoice (pre-filled from
the PDF), enter an invoice (« saisie ») with its lines and live totals, and the user's drafts.

Views parse input, check the space and mode (``SpaceViewMixin``), turn the form into the entry
service's ``EntryData`` (``adapter.py``), call ``facturier.invoices.entry`` once, and render. A
rejected submission's findings come back on the fields they name (BT-10 → the service code…).
"""
