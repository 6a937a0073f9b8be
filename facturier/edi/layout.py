"""The EDI directory tree and the file naming that declares a flow's ``syntaxeFlux``.

::

    FACTURIER_EDI_ROOT/
      <CODE>/                 a partner's SFTP root (chroot)
        inbox/                the partner writes flow files here (or in inbox/<syntaxeFlux>/)
        outbox/               integration reports: <numeroFluxDepot>.json and .pdf
        rejects/              refused files' reports and the daily rejects files
      _work/<CODE>/<id>/…     files being ingested (claimed by an atomic rename)
      _archive/<CODE>/YYYY/MM/DD/…   ingested files, out of the partner's reach

Partner codes are ``AAA999``, so they never clash with the ``_work`` and ``_archive`` names.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from django.conf import settings

from facturier.flows.models import FlowSyntax

from .errors import EdiSyntaxConflict, EdiSyntaxMissing

PARTNER_DIRS = ("inbox", "outbox", "rejects")
# A token that looks like a syntaxeFlux, between dots in a file name: "lot.IN_DP_E1_CII_16B.tar.gz".
SYNTAX_TOKEN = re.compile(r"^IN_DP_[A-Z0-9_]+$")
# Names a writer uses while a file is incomplete: never ingested.
PARTIAL_SUFFIXES = (".part", ".filepart", ".tmp", ".partial", ".crdownload")
# "facture.xml.done" (or .ok) next to "facture.xml" says the file is complete: ingest it at once.
MARKER_SUFFIXES = (".done", ".ok")


def edi_root() -> Path:
    return Path(settings.FACTURIER_EDI_ROOT)


def partner_root(code: str) -> Path:
    return edi_root() / code


def work_dir(code: str) -> Path:
    return edi_root() / "_work" / code


def archive_dir(code: str) -> Path:
    return edi_root() / "_archive" / code


def ensure_partner_dirs(code: str) -> Path:
    root = partner_root(code)
    for name in PARTNER_DIRS:
        (root / name).mkdir(parents=True, exist_ok=True)
    work_dir(code).mkdir(parents=True, exist_ok=True)
    archive_dir(code).mkdir(parents=True, exist_ok=True)
    return root


def is_partial(name: str) -> bool:
    """Hidden files, writers' temporary names and completion markers are never flows."""
    lower = name.lower()
    return name.startswith(".") or lower.endswith(PARTIAL_SUFFIXES) or lower.endswith(MARKER_SUFFIXES)


def declared_syntax(relname: str) -> str:
    """The ``syntaxeFlux`` a file declares by its place or its name (relative to ``inbox/``).

    ``IN_DP_E1_UBL_INVOICE/facture.xml`` (a sub-directory named after the syntax) or
    ``facture.IN_DP_E1_UBL_INVOICE.xml`` (a dotted part of the name). The content is never used to
    guess: a file that declares nothing is refused (issue 5: "never a guess"). An unknown token is
    returned as is, so that ``flow_receive`` refuses it with the list of accepted syntaxes.
    """
    parts = PurePosixPath(relname).parts
    name = parts[-1]
    by_dir = parts[0] if len(parts) > 1 and SYNTAX_TOKEN.match(parts[0]) else None
    tokens = [t for t in name.split(".")[1:] if SYNTAX_TOKEN.match(t)]
    by_name = tokens[0] if tokens else None
    if by_dir and by_name and by_dir != by_name:
        raise EdiSyntaxConflict(file=relname, directory=by_dir, name=by_name)
    syntax = by_dir or by_name
    if not syntax:
        raise EdiSyntaxMissing(file=relname, allowed=", ".join(FlowSyntax.values))
    return syntax


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a hidden temporary file and a rename: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
