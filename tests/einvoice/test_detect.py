"""Format detection from the bytes alone, and profile detection from BT-24 / the XMP."""

from __future__ import annotations

import pytest

from facturier.einvoice import Format, Profile, detect, profile_of
from facturier.einvoice.detect import profile_of_xmp

UBL_NS = b"urn:oasis:names:specification:ubl:schema:xsd:"


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b'<Invoice xmlns="' + UBL_NS + b'Invoice-2"/>', Format.UBL),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<ubl:CreditNote xmlns:ubl="' + UBL_NS + b'CreditNote-2"/>',
         Format.UBL),
        (b"<?xml version='1.0'?><rsm:CrossIndustryInvoice xmlns:a='x' "
         b"xmlns:rsm='urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100'/>", Format.CII),
        # A wrong namespace on the right local name is not UBL.
        (b'<Invoice xmlns="urn:example"/>', Format.OTHER_XML),
        (b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>', Format.ZUGFERD1),
        (b"%PDF-1.7\n...", Format.FACTURX),
        (b"", Format.UNKNOWN),
        (b"PK\x03\x04zip", Format.UNKNOWN),
        ('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'.encode("utf-16"), Format.UBL),
    ],
)
def test_detect(data: bytes, fmt: Format) -> None:
    assert detect(data) is fmt
    assert fmt.supported is (fmt in (Format.UBL, Format.CII, Format.FACTURX))


@pytest.mark.parametrize(
    ("spec", "profile"),
    [
        ("urn:cen.eu:en16931:2017", Profile.EN16931),
        ("urn:factur-x.eu:1p0:minimum", Profile.MINIMUM),
        ("urn:factur-x.eu:1p0:basicwl", Profile.BASIC_WL),
        ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", Profile.BASIC),
        ("urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic", Profile.BASIC),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", Profile.EXTENDED),
        ("urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended", Profile.EXTENDED),
        ("urn:zugferd.de:2p0:minimum", Profile.MINIMUM),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", Profile.XRECHNUNG),
        ("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", Profile.PEPPOL),
        ("urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr", Profile.EXTENDED_CTC_FR),
        ("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort", Profile.UNKNOWN),
        ("", Profile.UNKNOWN),
        (None, Profile.UNKNOWN),
    ],
)
def test_profile_of_guideline_id(spec: str | None, profile: Profile) -> None:
    assert profile_of(spec) is profile


@pytest.mark.parametrize(
    ("level", "profile"),
    [("EN 16931", Profile.EN16931), ("BASIC WL", Profile.BASIC_WL), ("COMFORT", Profile.EN16931),
     ("EXTENDED", Profile.EXTENDED), ("minimum", Profile.MINIMUM), ("weird", Profile.UNKNOWN)],
)
def test_profile_of_xmp(level: str, profile: Profile) -> None:
    assert profile_of_xmp(level) is profile
