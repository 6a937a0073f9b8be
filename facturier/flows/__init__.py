"""Deposit flows (flux): one file received by API, portal, SFTP or inbox, holding one invoice or an
archive of them, processed asynchronously into invoices with an integration report.

Services: services.py (``flow_receive``, ``flow_process``, ``flow_sweep``); unpacking with caps:
unpack.py; the platform directory on the models: directory.py; reports: report.py."""
