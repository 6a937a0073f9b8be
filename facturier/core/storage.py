"""Where stored files go: ``<kind>/<year>/<month>/<shard>/<key>-<file name>``.

One file per stored document, in one of 256 shard directories per month (the last two hex digits
of its key), never a directory of its own: a directory per invoice meant one ``mkdir`` (a journal
write) per deposit and, in a month of a national platform's volume, millions of entries in one
directory. The key (a random hex, or the flow number) keeps two files of the same name apart; the
original name stays at the end of the stored name, readable on disk.
"""

from __future__ import annotations

import uuid

from django.utils import timezone


def stored_name(kind: str, filename: str, *, prefix: str = "") -> str:
    """The storage name of a new file of ``kind`` (``invoices``, ``flows``…); ``prefix`` (a flow
    number) goes before the random key, to find a flow's files by name."""
    key = f"{prefix}-{uuid.uuid4().hex[:12]}" if prefix else uuid.uuid4().hex
    return f"{kind}/{timezone.now():%Y/%m}/{key[-2:]}/{key}-{filename}"
