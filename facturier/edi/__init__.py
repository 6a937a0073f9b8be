"""EDI: partners (technical accounts with an active EDI connection) send flow files over SFTP or
into a watched inbox directory, and read their integration reports and daily rejects files back.

- models.py: ``EdiPartner`` (the EDI connection), ``EdiKey`` (SSH public keys), ``EdiRejection``
  (a file refused before it became a flow);
- partners.py: the partner and key services (audited);
- layout.py: the directory tree under ``FACTURIER_EDI_ROOT`` and the file naming → ``syntaxeFlux``;
- ingest.py: a complete file becomes a flow (``flow_receive``), or a clear rejection;
- outbox.py: integration reports into ``outbox/`` and the daily rejects files into ``rejects/``;
- sftp.py: the asyncssh SFTP server (``facturier edi-server``).

See docs/edi.md.
"""
