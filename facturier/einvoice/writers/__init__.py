"""Writers: the EN 16931 model back to UBL 2.1, CII D16B and Factur-X PDF/A-3.

* :func:`write_ubl` → UBL 2.1 ``Invoice`` / ``CreditNote`` bytes;
* :func:`write_cii` → CII D16B bytes (Factur-X EN 16931 profile content);
* :func:`write_facturx` → a Factur-X PDF/A-3: a readable rendering (French or English) with the
  CII embedded as ``factur-x.xml`` and the Factur-X XMP.

Writers read the model's values (``raw`` text and typed attributes), never the source tree, so
they serve invoices read from any syntax as well as invoices built by
:func:`facturier.einvoice.build.build_invoice`.
"""

from .cii import write_cii
from .ubl import write_ubl

__all__ = ["write_cii", "write_facturx", "write_ubl"]


def __getattr__(name: str):  # pragma: no cover - thin lazy import
    # The PDF writer pulls in reportlab and pypdf (about 0.2 s): imported on first use only.
    if name == "write_facturx":
        from .facturx import write_facturx

        return write_facturx
    raise AttributeError(name)
