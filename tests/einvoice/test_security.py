"""Hostile inputs are refused with a clear typed error, in bounded time and memory."""

from __future__ import annotations

import resource
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from facturier.einvoice import (
    EInvoiceError,
    ForbiddenConstructError,
    Format,
    LimitExceededError,
    Limits,
    NoEmbeddedInvoiceError,
    NotWellFormedError,
    PdfUnreadableError,
    UnsupportedFormatError,
    detect,
    read,
)

UBL_OPEN = (
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    b'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
)
MINIMAL_UBL = UBL_OPEN + b"<cbc:ID>1</cbc:ID></Invoice>"
MINIMAL_CII = (
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    b'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">'
    b"<rsm:ExchangedDocument><ram:ID>FX-1</ram:ID></rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"
)

MB = 1024 * 1024


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


@contextmanager
def bounded(seconds: float = 1.0, memory: int = 100 * MB) -> Iterator[None]:
    """Fail when the block takes too long or raises the process' peak RSS by more than ``memory``."""
    rss, start = _maxrss(), time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, "took %.2f s" % elapsed
    assert _maxrss() - rss < memory, "peak RSS grew by %d MB" % ((_maxrss() - rss) // MB)


def refused(data: bytes, error: type[EInvoiceError], limits: Limits | None = None) -> EInvoiceError:
    with bounded(), pytest.raises(error) as info:
        read(data, limits=limits) if limits else read(data)
    err = info.value
    assert err.message["fr"] and err.message["en"] and err.code
    return err


# --- DTD attacks ---------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
""" + UBL_OPEN + b"<cbc:ID>&lol9;</cbc:ID></Invoice>"


def test_billion_laughs_is_refused() -> None:
    err = refused(BILLION_LAUGHS, ForbiddenConstructError)
    assert err.params["construct"] == "DOCTYPE"


def test_quadratic_blowup_is_refused() -> None:
    entity = b"A" * 100_000
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "' + entity + b'">]>'
        + UBL_OPEN
        + b"<cbc:ID>"
        + b"&a;" * 50_000
        + b"</cbc:ID></Invoice>"
    )
    refused(data, ForbiddenConstructError)


def test_external_entity_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + UBL_OPEN
        + b"<cbc:ID>&xxe;</cbc:ID></Invoice>"
    )
    refused(data, ForbiddenConstructError)


def test_external_dtd_is_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://attacker.example/x.dtd">' + MINIMAL_UBL
    refused(data, ForbiddenConstructError)


def test_doctype_in_utf16_is_refused() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>' + MINIMAL_UBL.decode()
    refused(text.encode("utf-16"), ForbiddenConstructError)


def test_undeclared_entity_is_not_well_formed() -> None:
    refused(UBL_OPEN + b"<cbc:ID>&nope;</cbc:ID></Invoice>", NotWellFormedError)


def test_xinclude_is_refused_and_never_processed() -> None:
    data = (
        UBL_OPEN[:-1]
        + b' xmlns:xi="http://www.w3.org/2001/XInclude"><cbc:ID><xi:include href="/etc/passwd" parse="text"/>'
        b"</cbc:ID></Invoice>"
    )
    err = refused(data, ForbiddenConstructError)
    assert err.params["construct"] == "XInclude"


def test_comments_in_the_prolog_are_fine() -> None:
    data = b'<?xml version="1.0"?>\n<!-- a <!DOCTYPE in a comment is harmless -->\n' + MINIMAL_UBL
    assert read(data).invoice.number is not None


# --- size caps -----------------------------------------------------------------------------------


def test_deep_nesting_is_refused() -> None:
    data = UBL_OPEN + b"<cbc:Note>" * 10_000 + b"</cbc:Note>" * 10_000 + b"</Invoice>"
    err = refused(data, LimitExceededError)
    assert err.params["limit"] == "max_depth"


def test_depth_cap_is_configurable() -> None:
    data = UBL_OPEN + b"<a>" * 20 + b"</a>" * 20 + b"</Invoice>"
    assert read(data).format is Format.UBL
    err = refused(data, LimitExceededError, Limits(max_depth=10))
    assert err.params == {"limit": "max_depth", "max": 10}


def test_too_many_elements_is_refused_before_parsing() -> None:
    data = UBL_OPEN + b"<x/>" * 3_000_000 + b"</Invoice>"
    err = refused(data, LimitExceededError)
    assert err.params["limit"] == "max_elements"
    assert "max_elements" in err.message["en"] and "max_elements" in err.message["fr"]


def test_element_cap_is_configurable() -> None:
    data = UBL_OPEN + b"<x/>" * 100 + b"</Invoice>"
    assert read(data, limits=Limits(max_elements=200)).format is Format.UBL
    refused(data, LimitExceededError, Limits(max_elements=50))


def test_size_cap() -> None:
    data = UBL_OPEN + b"<cbc:Note>" + b"x" * 2048 + b"</cbc:Note></Invoice>"
    err = refused(data, LimitExceededError, Limits(max_bytes=1024))
    assert err.params["limit"] == "max_bytes"


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (MINIMAL_UBL, b"<cac:InvoiceLine><cbc:ID>1</cbc:ID></cac:InvoiceLine>"),
        (
            MINIMAL_CII,
            b"<ram:IncludedSupplyChainTradeLineItem/>",
        ),
    ],
)
def test_line_cap(doc: bytes, line: bytes) -> None:
    if b"CrossIndustry" in doc:
        body = b"<rsm:SupplyChainTradeTransaction>" + line * 11 + b"</rsm:SupplyChainTradeTransaction>"
        data = doc.replace(b"</rsm:CrossIndustryInvoice>", body + b"</rsm:CrossIndustryInvoice>")
    else:
        data = doc.replace(b"</Invoice>", line * 11 + b"</Invoice>")
    assert len(read(data, limits=Limits(max_lines=11)).invoice.lines) == 11
    err = refused(data, LimitExceededError, Limits(max_lines=10))
    assert err.params["limit"] == "max_lines"


# --- not invoices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b'<?xml version="1.0"?><rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>',
         "zugferd1"),
        (b'<p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"/>',
         "fatturapa"),
        (b'<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"/>',
         "orderx"),
        (b"<html><body>hello</body></html>", "xml"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "unknown"),
    ],
)
def test_unsupported_formats(data: bytes, fmt: str) -> None:
    err = refused(data, UnsupportedFormatError)
    assert err.params["format"] == fmt
    assert detect(data) == Format(fmt)


def test_not_well_formed_reports_the_line() -> None:
    err = refused(b"<Invoice>\n<a>\n</Invoice>", NotWellFormedError)
    assert err.params["line"] == 3


# --- PDF ------------------------------------------------------------------------------------------


def make_pdf(attachment: bytes | None, *, name: bytes = b"factur-x.xml", flate: bool = True,
             xmp: bytes | None = None, raw_stream: bytes | None = None, raw_xmp: bytes | None = None) -> bytes:
    """A minimal PDF (catalog, one page, an EmbeddedFiles name tree and optional XMP)."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    def stream(dic: bytes, data: bytes) -> bytes:
        return b"<<" + dic + b" /Length " + str(len(data)).encode() + b">>\nstream\n" + data + b"\nendstream"

    pages = add(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")  # 1
    catalog_parts = [b"/Type /Catalog /Pages 1 0 R"]
    add(b"")  # 2: catalog placeholder
    add(b"<< /Type /Page /Parent 1 0 R /MediaBox [0 0 595 842] >>")  # 3
    assert pages == 1
    if attachment is not None or raw_stream is not None:
        data = raw_stream if raw_stream is not None else (zlib.compress(attachment) if flate else attachment)
        filt = b" /Filter /FlateDecode" if flate else b""
        ef = add(stream(b"/Type /EmbeddedFile /Subtype /text#2Fxml" + filt, data))
        spec = add(b"<< /Type /Filespec /F (" + name + b") /UF (" + name + b") /EF << /F %d 0 R >>"
                   b" /AFRelationship /Data >>" % ef)
        catalog_parts.append(b"/Names << /EmbeddedFiles << /Names [(" + name + b") %d 0 R] >> >>" % spec)
        catalog_parts.append(b"/AF [%d 0 R]" % spec)
    if xmp is not None or raw_xmp is not None:
        if raw_xmp is not None:
            meta = add(stream(b"/Type /Metadata /Subtype /XML /Filter /FlateDecode", raw_xmp))
        else:
            meta = add(stream(b"/Type /Metadata /Subtype /XML", xmp or b""))
        catalog_parts.append(b"/Metadata %d 0 R" % meta)
    objs[1] = b"<< " + b" ".join(catalog_parts) + b" >>"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 2 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


XMP = b"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
<fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
<fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def test_facturx_pdf_is_read_with_its_xmp_profile() -> None:
    doc = read(make_pdf(MINIMAL_CII, xmp=XMP))
    assert doc.format is Format.FACTURX and doc.syntax is Format.CII
    assert doc.invoice.number is not None and doc.invoice.number.raw == "FX-1"
    assert doc.pdf is not None and doc.pdf.attachment_name == "factur-x.xml"
    assert doc.pdf.xmp_conformance_level == "EN 16931" and doc.pdf.af_relationship == "/Data"
    # No BT-24 in this CII: the profile comes from the XMP.
    assert doc.profile.value == "en16931"


def test_uncompressed_attachment_and_other_names() -> None:
    doc = read(make_pdf(MINIMAL_CII, flate=False, name=b"xrechnung.xml"))
    assert doc.pdf is not None and doc.pdf.attachment_name == "xrechnung.xml"


def test_pdf_without_invoice() -> None:
    refused(make_pdf(None), NoEmbeddedInvoiceError)


def test_ubl_inside_a_pdf_is_not_facturx() -> None:
    refused(make_pdf(MINIMAL_UBL), UnsupportedFormatError)


def test_garbage_pdf_is_unreadable() -> None:
    refused(b"%PDF-1.7\n" + b"\x00garbage" * 100, PdfUnreadableError)


@pytest.fixture(scope="module")
def flate_bomb() -> bytes:
    """A zlib stream inflating to 1 GiB of zeros, from ~1 MiB of input.

    Compressing 1 GiB would take seconds, so compress 1 MiB once: after a full flush the
    compressor's state is reset, so the segment for the next identical MiB is byte-identical and
    can be repeated. (The final Adler-32 only covers two blocks: a reader stops long before it.)
    """
    c = zlib.compressobj(9)
    block = b"\x00" * MB
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    return first + again * 1023 + c.flush()


def test_pdf_flate_bomb_is_refused(flate_bomb: bytes) -> None:
    data = make_pdf(None, raw_stream=flate_bomb)
    err = refused(data, LimitExceededError)
    assert err.params["limit"] in ("max_pdf_stream_bytes", "max_pdf_total_bytes")


def test_pdf_total_and_time_caps(flate_bomb: bytes) -> None:
    data = make_pdf(MINIMAL_CII, xmp=XMP)
    err = refused(data, LimitExceededError, Limits(max_pdf_total_bytes=100))
    assert err.params["limit"] == "max_pdf_total_bytes"
    err = refused(make_pdf(None, raw_stream=flate_bomb), LimitExceededError,
                  Limits(max_pdf_stream_bytes=10**12, max_pdf_total_bytes=10**12, pdf_time_limit=0.05))
    assert err.params["limit"] == "pdf_time_limit"


def test_xmp_bomb_is_refused(flate_bomb: bytes) -> None:
    # The same bomb as the XMP metadata stream, read after the (valid) invoice.
    err = refused(make_pdf(MINIMAL_CII, raw_xmp=flate_bomb), LimitExceededError)
    assert err.params["limit"] in ("max_pdf_stream_bytes", "max_pdf_total_bytes")


def test_max_bytes_applies_to_pdfs() -> None:
    refused(make_pdf(MINIMAL_CII), LimitExceededError, Limits(max_bytes=100))

