"""Reading the entries of a chunk of a tar.gz from the offset the first pass noted.

The chunk must get exactly the entries it gets from the start of the archive, without the entries
before it being parsed again; an offset that leads nowhere (a file changed since the first pass)
falls back to reading from the start."""

from __future__ import annotations

import io
import os
from unittest import mock

import pytest

from facturier.flows import unpack
from facturier.flows.errors import FlowContentRejected

from .builders import targz, zipped

LIMITS = unpack.UnpackLimits(max_entries=1000, max_entry_bytes=10 * 1024 * 1024,
                             max_total_bytes=100 * 1024 * 1024, max_ratio=1000)


def _entries() -> list[tuple[str, bytes]]:
    # Sizes around the tar block (512), gzip's buffer (8 KiB) and the head read (16 KiB); random
    # bytes so that the compressed stream is not trivially short.
    sizes = [1, 511, 512, 513, 8191, 8193, 16384, 40000, 7, 3000, 0, 65536, 12]
    return [(f"f{i:02d}.xml", b"<x>" + os.urandom(size) + b"</x>") for i, size in enumerate(sizes)]


def _read(data: bytes, **kwargs: int) -> list[tuple[int, str, bytes]]:
    return list(unpack.iter_entries(io.BytesIO(data), file_name="lot.tar.gz", size=len(data), limits=LIMITS,
                                    **kwargs))


def _offsets(data: bytes) -> list[int]:
    with mock.patch.object(unpack, "_format_of", return_value="cii"):
        infos = unpack.preflight(io.BytesIO(data), file_name="lot.tar.gz", size=len(data), expected_format="cii",
                                 limits=LIMITS)
    return [info.offset for info in infos]


def test_every_chunk_read_from_its_offset_is_the_chunk_read_from_the_start() -> None:
    entries = _entries()
    data = targz(entries)
    offsets = _offsets(data)
    assert offsets[0] == 0 and offsets == sorted(set(offsets))  # one header offset per entry
    for start in range(1, len(entries)):
        for stop in (start + 1, start + 3, None):
            expected = _read(data, start=start, stop=stop)
            assert expected == [(i, *entries[i]) for i in range(start, min(stop or len(entries), len(entries)))]
            assert _read(data, start=start, stop=stop, offset=offsets[start]) == expected


def test_the_entries_before_the_offset_are_not_parsed_again() -> None:
    entries = _entries()
    data = targz(entries)
    offsets = _offsets(data)
    with mock.patch.object(unpack, "_tar_check", wraps=unpack._tar_check) as checked:
        _read(data, start=10, stop=12)
    assert checked.call_count == 13  # entries 0 to 12: 12 stops the walk
    with mock.patch.object(unpack, "_tar_check", wraps=unpack._tar_check) as checked:
        assert [e[0] for e in _read(data, start=10, stop=12, offset=offsets[10])] == [10, 11]
    assert checked.call_count == 3  # entries 10, 11 and 12 only


@pytest.mark.parametrize("wrong", ["inside an entry", "past the end", "not a header"])
def test_an_offset_that_leads_to_no_entry_is_ignored(wrong: str) -> None:
    entries = _entries()
    data = targz(entries)
    offsets = _offsets(data)
    offset = {"inside an entry": offsets[7] + 1024, "past the end": 10**9, "not a header": offsets[5] + 100}[wrong]
    assert _read(data, start=5, stop=9, offset=offset) == [(i, *entries[i]) for i in range(5, 9)]


def test_a_broken_archive_is_still_refused_with_an_offset() -> None:
    entries = _entries()
    data = targz(entries)
    offsets = _offsets(data)
    broken = data[: len(data) // 2]  # cut in the middle of entry 11's compressed data
    with pytest.raises(FlowContentRejected) as refused:
        _read(broken, start=3, offset=offsets[3])
    assert refused.value.code == "ARCHIVE_ILLISIBLE"


def test_zip_and_single_files_have_no_offset() -> None:
    data = zipped([("a.xml", b"<a/>"), ("b.xml", b"<b/>")])
    with mock.patch.object(unpack, "_format_of", return_value="cii"):
        infos = unpack.preflight(io.BytesIO(data), file_name="lot.zip", size=len(data), expected_format="cii",
                                 limits=LIMITS)
    assert [info.offset for info in infos] == [0, 0]
