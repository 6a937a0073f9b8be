"""Stored files: one file in one of 256 shard directories per month, never a directory of its own."""

from __future__ import annotations

import re

from facturier.core.storage import stored_name


def test_a_stored_name_is_a_file_in_a_month_shard_keeping_the_original_name() -> None:
    names = [stored_name("invoices", "facture n°1.xml") for _ in range(300)]
    for name in names:
        match = re.fullmatch(r"invoices/\d{4}/\d{2}/([0-9a-f]{2})/([0-9a-f]{32})-facture n°1\.xml", name)
        assert match and match.group(1) == match.group(2)[-2:], name
    assert len(set(names)) == 300  # the same original name never collides
    assert len({name.split("/")[3] for name in names}) > 100  # spread over the shards


def test_a_flow_file_name_starts_with_its_number() -> None:
    name = stored_name("flows", "lot.tar.gz", prefix="CPP1795775424541947411103")
    assert re.fullmatch(r"flows/\d{4}/\d{2}/([0-9a-f]{2})/CPP1795775424541947411103-[0-9a-f]{10}\1-lot\.tar\.gz", name)
