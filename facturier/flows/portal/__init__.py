"""Portal pages of flows: « Factures émises » → Déposer des fichiers, a flow's page (with its live
progress), and the « Suivi des flux » space page with the reports.

Views parse input, check the space and mode (``SpaceViewMixin``), call ``flow_receive`` or one
selector of ``selectors.py``, and render. The pages are listed in their spaces by ``pages.py``.
"""
