"""Reading a flow file: one XML or PDF, or a zip / tar.gz of them, streamed with caps.

Two passes over the stored file:

* :func:`preflight` checks the whole container before anything is integrated: entry count, declared
  and actual sizes, total uncompressed size, compression ratio, entry names (no absolute path, no
  ``..``), entry kinds (regular files only), no nested archive, only ``.xml``/``.pdf`` entries, and
  that each entry's format matches the declared ``syntaxeFlux``. It keeps only the first bytes of
  each entry, so a 1 GB flow is never held in memory;
* :func:`iter_entries` then yields the entries one at a time for integration. A worker integrating
  a chunk of a tar.gz starts at the offset the first pass noted for its first entry
  (``EntryInfo.offset``): the gzip stream is decompressed up to there in C and the entries before
  are never parsed again, so the chunks of a flow cost the same wherever they are in it (from the
  start, the tenth chunk of a 1,000-invoice flow took six times as long as the first).

Any problem in the first pass rejects the flow as a whole (:class:`FlowContentRejected`), so a flow
is never half-integrated because of its container.
"""

from __future__ import annotations

import gzip
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings

from facturier.einvoice import Format, detect

from .errors import FlowContentRejected

HEAD_BYTES = 16384  # what format detection looks at
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".jar")
ENTRY_SUFFIXES = (".xml", ".pdf")
# Archivers' metadata, not invoices.
IGNORED_PREFIXES = ("__MACOSX/",)


@dataclass(frozen=True, slots=True)
class UnpackLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> UnpackLimits:
        return cls(
            max_entries=settings.FACTURIER_FLOW_MAX_INVOICES,
            max_entry_bytes=settings.FACTURIER_FLOW_MAX_ENTRY_BYTES,
            max_total_bytes=settings.FACTURIER_FLOW_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.FACTURIER_FLOW_MAX_RATIO,
        )


@dataclass(frozen=True, slots=True)
class EntryInfo:
    index: int
    name: str
    size: int
    format: str  # ubl, cii, facturx, unknown
    offset: int = 0  # tar.gz: where the entry's header starts in the decompressed stream


def container_of(head: bytes) -> str:
    """``zip``, ``targz`` or ``single``, from the magic bytes (never from the file name)."""
    if head[:4] in ZIP_MAGIC:
        return "zip"
    if head[:2] == GZIP_MAGIC:
        return "targz"
    return "single"


def _reject(code: str, fr: str, en: str, **params: object) -> FlowContentRejected:
    return FlowContentRejected(code, fr, en, **params)


def _is_archive_bytes(head: bytes) -> bool:
    return (
        head[:4] in ZIP_MAGIC
        or head[:2] == GZIP_MAGIC
        or head[:3] == b"BZh"
        or head[:6] in (b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c")
        or head[:4] == b"Rar!"
        or head[257:262] == b"ustar"
    )


def _check_name(name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or path.is_absolute():
        raise _reject(
            "ARCHIVE_CHEMIN_ABSOLU",
            "L'archive contient un chemin absolu (%(name)s) : refusé.",
            "The archive holds an absolute path (%(name)s): refused.",
            name=name,
        )
    if ".." in path.parts:
        raise _reject(
            "ARCHIVE_CHEMIN_PARENT",
            "L'archive contient un chemin remontant avec « .. » (%(name)s) : refusé.",
            "The archive holds a path going up with '..' (%(name)s): refused.",
            name=name,
        )
    lower = name.lower()
    if lower.endswith(ARCHIVE_SUFFIXES):
        raise _nested(name)
    if not lower.endswith(ENTRY_SUFFIXES):
        raise _reject(
            "ARCHIVE_ENTREE_NON_FACTURE",
            "L'archive contient %(name)s : seuls des fichiers XML ou PDF (Factur-X) sont acceptés.",
            "The archive holds %(name)s: only XML or PDF (Factur-X) files are accepted.",
            name=name,
        )


def _nested(name: str) -> FlowContentRejected:
    return _reject(
        "ARCHIVE_IMBRIQUEE",
        "L'archive contient une autre archive (%(name)s) : les archives imbriquées sont refusées.",
        "The archive holds another archive (%(name)s): nested archives are refused.",
        name=name,
    )


class _Budget:
    def __init__(self, limits: UnpackLimits, compressed_size: int) -> None:
        self.limits = limits
        self.compressed = max(compressed_size, 1)
        self.total = 0
        self.count = 0

    def entry(self, name: str) -> None:
        self.count += 1
        if self.count > self.limits.max_entries:
            raise _reject(
                "FLUX_TROP_DE_FACTURES",
                "Le flux contient plus de %(max)s factures.",
                "The flow holds more than %(max)s invoices.",
                max=self.limits.max_entries,
            )

    def add(self, name: str, size: int) -> None:
        if size > self.limits.max_entry_bytes:
            raise _reject(
                "FICHIER_TROP_VOLUMINEUX",
                "Le fichier %(name)s dépasse %(max)s octets.",
                "The file %(name)s exceeds %(max)s bytes.",
                name=name,
                max=self.limits.max_entry_bytes,
            )
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise _reject(
                "ARCHIVE_TROP_VOLUMINEUSE",
                "L'archive décompressée dépasse %(max)s octets.",
                "The uncompressed archive exceeds %(max)s bytes.",
                max=self.limits.max_total_bytes,
            )
        # A small slack (1 MB) so that tiny archives of small XML files are not refused.
        if self.total > self.limits.max_ratio * self.compressed + 1024 * 1024:
            raise _reject(
                "ARCHIVE_TAUX_COMPRESSION",
                "Le taux de compression de l'archive dépasse %(max)s : archive refusée (bombe de décompression).",
                "The archive's compression ratio exceeds %(max)s: refused (decompression bomb).",
                max=self.limits.max_ratio,
            )


def _format_of(name: str, head: bytes) -> str:
    if _is_archive_bytes(head):
        raise _nested(name)
    fmt = detect(head)
    return fmt.value if fmt in (Format.UBL, Format.CII, Format.FACTURX) else "unknown"


def _read_capped(stream: IO[bytes], name: str, budget: _Budget, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        budget.add(name, len(data))  # raises with the right message
    return data


def _zip_members(fileobj: IO[bytes]) -> Iterator[tuple[zipfile.ZipInfo, zipfile.ZipFile]]:
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _reject(
            "ARCHIVE_ILLISIBLE",
            "L'archive zip est illisible : %(error)s.",
            "The zip archive cannot be read: %(error)s.",
            error=str(exc),
        ) from exc
    with archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith(IGNORED_PREFIXES):
                continue
            yield info, archive


def _zip_check(info: zipfile.ZipInfo, limits: UnpackLimits) -> None:
    _check_name(info.filename)
    mode = info.external_attr >> 16
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # no type bits: written by zipfile.writestr
        raise _reject(
            "ARCHIVE_ENTREE_SPECIALE",
            "L'archive contient %(name)s qui n'est pas un fichier ordinaire (lien...) : refusé.",
            "The archive holds %(name)s, which is not a regular file (link...): refused.",
            name=info.filename,
        )
    if info.flag_bits & 0x1:
        raise _reject(
            "ARCHIVE_CHIFFREE",
            "L'archive contient un fichier chiffré (%(name)s) : refusé.",
            "The archive holds an encrypted file (%(name)s): refused.",
            name=info.filename,
        )
    if info.compress_size and info.file_size / info.compress_size > limits.max_ratio and info.file_size > 1024 * 1024:
        raise _reject(
            "ARCHIVE_TAUX_COMPRESSION",
            "Le taux de compression de l'archive dépasse %(max)s : archive refusée (bombe de décompression).",
            "The archive's compression ratio exceeds %(max)s: refused (decompression bomb).",
            max=limits.max_ratio,
        )


def _tar_members(fileobj: IO[bytes], offset: int = 0) -> Iterator[tuple[tarfile.TarInfo, tarfile.TarFile]]:
    """The members of a tar.gz; from ``offset`` in the decompressed stream (a member's header, as
    the first pass noted it) when it is not 0. Member offsets are then relative to it."""
    try:
        if offset:
            stream = gzip.GzipFile(fileobj=fileobj, mode="rb")
            stream.seek(offset)  # decompressed and dropped in C, not parsed
            archive = tarfile.open(fileobj=stream, mode="r|")
        else:
            archive = tarfile.open(fileobj=fileobj, mode="r|gz")
        with archive:
            for member in archive:
                if member.isdir() or member.name.startswith(IGNORED_PREFIXES):
                    continue
                yield member, archive
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _reject(
            "ARCHIVE_ILLISIBLE",
            "L'archive tar.gz est illisible : %(error)s.",
            "The tar.gz archive cannot be read: %(error)s.",
            error=str(exc) or type(exc).__name__,
        ) from exc


def _tar_check(member: tarfile.TarInfo) -> None:
    _check_name(member.name)
    if not member.isreg():
        raise _reject(
            "ARCHIVE_ENTREE_SPECIALE",
            "L'archive contient %(name)s qui n'est pas un fichier ordinaire (lien...) : refusé.",
            "The archive holds %(name)s, which is not a regular file (link...): refused.",
            name=member.name,
        )


def _entries(
    fileobj: IO[bytes], *, file_name: str, size: int, limits: UnpackLimits, head_only: bool,
    start: int = 0, stop: int | None = None, offset: int = 0,
) -> Iterator[tuple[int, str, bytes, int]]:
    try:
        yield from _entries_unguarded(fileobj, file_name=file_name, size=size, limits=limits, head_only=head_only,
                                      start=start, stop=stop, offset=offset)
    except FlowContentRejected:
        raise
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, zlib.error, RuntimeError,
            NotImplementedError, ValueError) as exc:
        raise _reject(
            "ARCHIVE_ILLISIBLE",
            "L'archive est illisible : %(error)s.",
            "The archive cannot be read: %(error)s.",
            error=str(exc) or type(exc).__name__,
        ) from exc


def _entries_unguarded(
    fileobj: IO[bytes], *, file_name: str, size: int, limits: UnpackLimits, head_only: bool,
    start: int = 0, stop: int | None = None, offset: int = 0,
) -> Iterator[tuple[int, str, bytes, int]]:
    """Entries ``start`` to ``stop`` (excluded) as (index, name, bytes, tar offset); the ones before
    are checked and counted, not read. With a tar ``offset`` (that of entry ``start``, from the
    first pass; only :func:`iter_entries` passes one, for ``start`` > 0) the ones before are not
    even parsed: the first pass checked them."""
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    kind = container_of(head)
    budget = _Budget(limits, size)
    if kind == "single":
        budget.entry(file_name)
        budget.add(file_name, size)
        if start == 0 and stop != 0:
            yield 0, file_name, (head if head_only else _read_capped(fileobj, file_name, budget, limits.max_entry_bytes)), 0
        return
    index = 0
    if kind == "zip":
        for info, archive in _zip_members(fileobj):
            _zip_check(info, limits)
            budget.entry(info.filename)
            budget.add(info.filename, info.file_size)
            if stop is not None and index >= stop:
                return
            if index >= start:
                with archive.open(info) as stream:
                    data = stream.read(HEAD_BYTES) if head_only else _read_capped(
                        stream, info.filename, budget, min(info.file_size, limits.max_entry_bytes)
                    )
                yield index, info.filename, data, 0
            index += 1
        return
    index = start if offset else 0
    for member, archive in _tar_members(fileobj, offset):
        _tar_check(member)
        budget.entry(member.name)
        budget.add(member.name, member.size)
        if stop is not None and index >= stop:
            return  # the rest of the stream is not even decompressed
        if index >= start:  # tarfile skips (decompresses) the entries before without keeping them
            stream = archive.extractfile(member)
            if stream is None:  # not a regular file (checked above)
                continue
            data = stream.read(HEAD_BYTES) if head_only else _read_capped(
                stream, member.name, budget, min(member.size, limits.max_entry_bytes)
            )
            yield index, member.name, data, offset + member.offset
        index += 1


def preflight(
    fileobj: IO[bytes], *, file_name: str, size: int, expected_format: str, limits: UnpackLimits
) -> list[EntryInfo]:
    """Check the whole container (see the module docstring); the entries, in order."""
    infos: list[EntryInfo] = []
    for index, name, head, offset in _entries(fileobj, file_name=file_name, size=size, limits=limits, head_only=True):
        fmt = _format_of(name, head)
        if fmt != "unknown" and fmt != expected_format:
            raise _reject(
                "SYNTAXE_FLUX_INCOHERENTE",
                "Le fichier %(name)s est au format %(found)s alors que la syntaxe du flux annonce %(expected)s : "
                "flux rejeté. Déposez-le avec la syntaxe correspondant à son contenu.",
                "The file %(name)s is %(found)s while the flow's syntax announces %(expected)s: flow rejected. "
                "Deposit it with the syntax matching its content.",
                name=name,
                found=_FORMAT_LABELS[fmt],
                expected=_FORMAT_LABELS[expected_format],
            )
        infos.append(EntryInfo(index=index, name=name, size=0, format=fmt, offset=offset))
    if not infos:
        raise _reject(
            "ARCHIVE_VIDE",
            "L'archive ne contient aucune facture.",
            "The archive holds no invoice.",
        )
    return infos


_FORMAT_LABELS = {"ubl": "UBL (XML)", "cii": "CII (XML)", "facturx": "Factur-X (PDF)", "unknown": "?"}


def iter_entries(
    fileobj: IO[bytes], *, file_name: str, size: int, limits: UnpackLimits, start: int = 0, stop: int | None = None,
    offset: int = 0,
) -> Iterator[tuple[int, str, bytes]]:
    """The entries (index, name, bytes) from ``start`` to ``stop`` (excluded), one at a time; call
    after :func:`preflight`. A zip entry before ``start`` is not read; a tar.gz one is decompressed
    (the stream cannot seek) but not kept, or, given ``offset`` (:attr:`EntryInfo.offset` of entry
    ``start``), skipped without being parsed. An offset that does not lead to an entry (a file
    changed since the first pass) is ignored: the entries are then read from the start."""
    if offset and start:
        yielded = False
        try:
            for index, name, data, _ in _entries(fileobj, file_name=file_name, size=size, limits=limits,
                                                 head_only=False, start=start, stop=stop, offset=offset):
                yielded = True
                yield index, name, data
        except FlowContentRejected:
            if yielded:
                raise
        if yielded:
            return
        fileobj.seek(0)
    for index, name, data, _ in _entries(fileobj, file_name=file_name, size=size, limits=limits, head_only=False,
                                         start=start, stop=stop):
        yield index, name, data
