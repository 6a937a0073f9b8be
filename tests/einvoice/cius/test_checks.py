"""The Peppol check functions (the Schematron's ``u:`` functions) and the R008 pre-filter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from facturier.einvoice.cius import _checks
from facturier.einvoice.cius._xpath import decimal, is_integer, number
from facturier.einvoice.cius.peppol_de import iban_ok
from facturier.einvoice.cius.peppol_ubl import _MAYBE_EMPTY, _empty_leaves, xround


@pytest.mark.parametrize(
    ("value", "ok"),
    [("5790000436057", True), ("5790000436058", False), ("0", True), ("", False), ("4000001000005", True)],
)
def test_gln(value, ok):
    assert _checks.gln(value) is ok


@pytest.mark.parametrize(("value", "ok"), [("987654325", True), ("987654321", False), ("000000000", False)])
def test_mod11(value, ok):
    assert _checks.mod11(value) is ok


@pytest.mark.parametrize(("value", "ok"), [("0739484052", True), ("0739484053", False), ("0403170701", True)])
def test_belgian_enterprise_number(value, ok):
    assert _checks.mod97_0208(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("51824753556", True), ("51824753557", False), ("5182475355", False)]
)
def test_abn(value, ok):
    assert _checks.abn(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("094259216", True), ("094259217", False), ("09425921", False), ("09425921X", False)]
)
def test_greek_tin(value, ok):
    assert _checks.tin_verification(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("5560360793", True), ("5560360794", False), ("556036079", False), ("55603607A3", False)],
)
def test_swedish_organisation_number(value, ok):
    assert _checks.check_se_orgnr(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("RSSMRA85T10A562S", True), ("12345678901", True), ("RSSMRA85T10A562", False), ("1234567890A", False)],
)
def test_codice_fiscale(value, ok):
    assert _checks.check_cf(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("IT01114601006", True), ("IT01114601007", False), ("it0111460100", False), ("DE123", True)],
)
def test_partita_iva(value, ok):
    assert _checks.check_piva_se_it(value) is ok


def test_codice_ipa():
    assert _checks.check_codice_ipa("UFY9MH")
    assert not _checks.check_codice_ipa("UFY9M")
    assert not _checks.check_codice_ipa("UFY9M-")


def test_slack_and_xpath_round():
    assert _checks.slack(Decimal("10.00"), Decimal("10.02"))
    assert not _checks.slack(Decimal("10.00"), Decimal("10.03"))
    assert xround(Decimal("2.5")) == 3 and xround(Decimal("-2.5")) == -2 and xround(Decimal("-2.6")) == -3


def test_xpath_casts():
    assert number(" 12 ") == 12 and number("1e3") == 1000 and number("INF") == float("inf")
    assert number("12,5") != number("12,5")  # NaN
    assert decimal("1e3") is None and decimal(" -1.50 ") == Decimal("-1.50")
    assert is_integer(" +12 ") and not is_integer("1.0")


def test_iban():
    assert iban_ok("DE75 5121 0800 1245 1261 99")
    assert not iban_ok("DE75512108001245126198")
    assert not iban_ok("de75512108001245126199")


_EMPTY = etree.XPath("//*[not(*) and not(normalize-space())]")


@pytest.mark.parametrize(
    "xml",
    [
        b"<a><b/>\n<c>x</c></a>",
        b"<a><b></b></a>",
        b"<a><b x=\"1>2\" y='3' >  \n</b ></a>",
        b"<a><b><!-- c --></b></a>",
        b"<a><b>&#32;&#x9;</b></a>",
        b"<a><b><![CDATA[ ]]></b></a>",
        b"<a><b><?pi x?> </b></a>",
        b'<a><b x=">"/><c>y</c></a>',
        b'<a><b x="a/b" /><c>y</c></a>',
    ],
)
def test_r008_prefilter_sees_every_empty_leaf(xml):
    root = etree.fromstring(xml)
    assert _MAYBE_EMPTY.search(xml) is not None
    assert list(_empty_leaves(root)) == _EMPTY(root) != []


@pytest.mark.parametrize("xml", [b"<a><b>x</b></a>", b'<a x="/>"><b>x</b></a>'])
def test_r008_prefilter_lets_full_documents_through(xml):
    assert _MAYBE_EMPTY.search(xml) is None
    assert _EMPTY(etree.fromstring(xml)) == []


def test_r008_prefilter_is_conservative_and_the_walk_decides():
    xml = b"<a>\n <b>&#65;</b>\n</a>"  # any character reference may be whitespace: walk the tree
    assert _MAYBE_EMPTY.search(xml) is not None
    assert list(_empty_leaves(etree.fromstring(xml))) == []
