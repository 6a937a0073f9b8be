"""The readers' table walk (facturier.einvoice.readers._walk): compiled tables keep the meaning of
the tables, spec by spec."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from facturier.einvoice.model import Address, Contact, Invoice, Party
from facturier.einvoice.readers._walk import Ctx, Table, amount, fill, group, sub, text, to_invoice
from facturier.einvoice.values import Amount, Value

NS = "urn:example:walk"
X = f"{{{NS}}}"


def element(xml: str) -> etree._Element:
    return etree.fromstring(f'<root xmlns="{NS}">{xml}</root>')


def read(xml: str, table: Table) -> Party:
    party = Party(role="BG-4")
    fill(Ctx(Invoice()), party, element(xml), table)
    return party


LEAVES: Table = {X + "Name": ("name", text), X + "Id": ("identifiers", text)}


def test_a_leaf_is_stored_with_its_text_and_element() -> None:
    party = read("<Name> ACME <!-- c --></Name><Other>x</Other>", LEAVES)
    assert party.name is not None and type(party.name) is Value
    assert party.name.raw == " ACME "  # the string value: comments do not count
    assert party.name.xpath == "/*[local-name()='root']/*[local-name()='Name']"


def test_repeated_leaves_go_to_extra_and_list_fields_collect_every_occurrence() -> None:
    party = read("<Name>a</Name><Id>1</Id><Name>b</Name><Id>2</Id><Name>c</Name>", LEAVES)
    assert party.name is not None and party.name.raw == "a"
    assert [v.raw for v in party.all("name")] == ["a", "b", "c"]
    assert party.extra is not None and [v.raw for v in party.extra["name"]] == ["b", "c"]
    assert [v.raw for v in party.identifiers] == ["1", "2"]


def test_an_empty_element_is_present_with_an_empty_value_and_an_absent_one_is_none() -> None:
    party = read("<Name/>", LEAVES)
    assert party.name is not None and party.name.raw == ""
    assert read("", LEAVES).name is None


def test_sub_stores_into_the_same_node_and_group_creates_a_located_group() -> None:
    table: Table = {
        X + "Legal": sub({X + "Name": ("name", text)}),
        X + "Address": group(Address, "address", {X + "City": ("city", text)}, "BG-5"),
        X + "Contact": group(Contact, "contact", {X + "Phone": sub({X + "Number": ("phone", text)})}, "BG-6"),
    }
    party = read(
        "<Legal><Name>ACME</Name></Legal><Address><City>Paris</City></Address>"
        "<Address><City>Lyon</City></Address><Contact><Phone><Number>01</Number></Phone></Contact>",
        table,
    )
    assert party.name is not None and party.name.raw == "ACME"
    assert party.address is not None and party.address.role == "BG-5"
    assert party.address.city is not None and party.address.city.raw == "Paris"
    assert party.address.el is not None and party.address.el.tag == X + "Address"
    assert [a.city.raw for a in party.all("address") if a.city is not None] == ["Paris", "Lyon"]
    assert party.contact is not None and party.contact.phone is not None and party.contact.phone.raw == "01"


def test_typed_leaves_and_handlers() -> None:
    seen: list[Any] = []

    def handler(ctx: Ctx, node: Any, el: etree._Element) -> None:
        seen.append((node, el.tag))

    table: Table = {
        X + "Amount": ("name", amount),
        X + "Hook": handler,
        X + "Due": to_invoice("number", text),
    }
    invoice = Invoice()
    party = Party(role="BG-4")
    fill(Ctx(invoice), party, element('<Amount currencyID="EUR">1.50</Amount><Hook/><Due>7</Due>'), table)
    assert type(party.name) is Amount and party.name.currency == "EUR" and str(party.name.value) == "1.50"
    assert seen == [(party, X + "Hook")]
    assert invoice.number is not None and invoice.number.raw == "7"


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 40])
def test_every_entry_of_a_table_of_any_size_is_reached(size: int) -> None:
    # The compiled dispatch is a test tree over the table positions: each entry must be reachable.
    names = [f"T{i}" for i in range(size)]
    table: Table = {X + name: sub({X + "Name": ("identifiers", text)}) for name in names}
    party = read("".join(f"<{name}><Name>{name}</Name></{name}>" for name in reversed(names)), table)
    assert [v.raw for v in party.identifiers] == list(reversed(names))


def test_a_table_is_compiled_once() -> None:
    from facturier.einvoice.readers import _walk

    table: Table = {X + "Name": ("name", text)}
    read("<Name>a</Name>", table)
    compiled = _walk._COMPILED[id(table)][1]
    read("<Name>b</Name>", table)
    assert _walk._COMPILED[id(table)][1] is compiled
