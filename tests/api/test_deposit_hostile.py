"""Hostile deposits: each gets a clear error, nothing is half-stored, the server stays up."""

from __future__ import annotations

import base64
import io
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from facturier.flows.models import Flow, FlowItem
from facturier.invoices.models import Invoice
from facturier.structures.models import TechnicalAccount
from tests.flows.builders import targz, zipped

from .deposits import DEPOSER_FLUX, commune, deposit_body, file_for, post

pytestmark = pytest.mark.django_db(transaction=True)
HEALTH = "/cpro/transverses/v1/health-check"


def stored_flow_files() -> list[Path]:
    root = Path(settings.FILES_DIR) / "flows"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def still_up(client: Client, headers: dict[str, str]) -> None:
    assert client.get(HEALTH, **headers).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "libelle"),
    [
        ({"fichierFlux": "%%% not base64 %%%", "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"},
         400, "DEP_MSG_BASE64_INVALIDE"),
        # Outside the base64 alphabet, a lone surrogate (JSON "\ud800") or a letter with an accent.
        ({"fichierFlux": "PD94\ud800", "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"},
         400, "DEP_MSG_BASE64_INVALIDE"),
        ({"fichierFlux": "PD94bWé=", "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"},
         400, "DEP_MSG_BASE64_INVALIDE"),
        ({"fichierFlux": "", "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"}, 400, None),
        ({"fichierFlux": "PD94", "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_XCBL"},
         400, "DEP_MSG_SYNTAXE_NON_SUPPORTEE"),
        ({"fichierFlux": "PD94", "nomFichier": "sans-extension", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"},
         400, "DEP_MSG_NOM_FICHIER_INVALIDE"),
    ],
    ids=["bad-base64", "surrogate", "accent", "empty-file", "unknown-syntax", "bad-name"],
)
def test_refused_at_once_and_nothing_stored(
    api_client: Client, api_headers: dict[str, str], body: dict[str, Any], status: int, libelle: str | None
) -> None:
    before = stored_flow_files()
    answer = post(api_client, DEPOSER_FLUX, body, api_headers)
    assert answer.status_code == status, answer.json()
    assert answer.json()["codeRetour"] != 0 and answer.json()["message"]
    if libelle:
        assert answer.json()["libelle"] == libelle
    assert not Flow.objects.exists() and stored_flow_files() == before
    still_up(api_client, api_headers)


def test_empty_decoded_file(api_client: Client, api_headers: dict[str, str]) -> None:
    body = {"fichierFlux": "====", "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"}
    answer = post(api_client, DEPOSER_FLUX, body, api_headers)
    assert answer.status_code == 400 and answer.json()["libelle"] in {"DEP_MSG_FICHIER_VIDE", "DEP_MSG_BASE64_INVALIDE"}
    assert not Flow.objects.exists()


@override_settings(FACTURIER_API_FLOW_MAX_BYTES=10_000)
def test_oversized_file(api_client: Client, api_headers: dict[str, str]) -> None:
    before = stored_flow_files()
    body = deposit_body(b"<x/>" * 5000, "big.xml", "IN_DP_E1_UBL_INVOICE")
    answer = post(api_client, DEPOSER_FLUX, body, api_headers)
    assert answer.status_code == 413 and answer.json()["codeRetour"] == 20001
    assert answer.json()["libelle"] == "GDP_MSG_11.022"
    huge = {**body, "fichierFlux": body["fichierFlux"] * 20}  # refused on Content-Length, unparsed
    assert post(api_client, DEPOSER_FLUX, huge, api_headers).status_code == 413
    assert not Flow.objects.exists() and stored_flow_files() == before
    still_up(api_client, api_headers)


def flate_bomb_pdf(size: int = 48 * 1024 * 1024) -> bytes:
    """A PDF whose embedded factur-x.xml inflates to ``size`` bytes from a few kB."""
    stream = zlib.compress(b" " * size, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(factur-x.xml) 4 0 R] >> >> "
        b"/AF [4 0 R] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length %d >>\nstream\n" % len(stream)
        + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"\0" * (24 * 1024 * 1024))
    return out.getvalue()


def tar_with_link() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        info = tarfile.TarInfo("passwd.xml")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    return out.getvalue()


DOCTYPE_UBL = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol2;</ID></Invoice>'
)


@pytest.mark.parametrize(
    ("name", "make", "syntax", "code"),
    [
        ("bomb.zip", zip_bomb, "IN_DP_E1_UBL_INVOICE", "ARCHIVE_TAUX_COMPRESSION"),
        ("slip.zip", lambda: zipped([("../../evil.xml", b"<x/>")]), "IN_DP_E1_UBL_INVOICE", "ARCHIVE_CHEMIN_PARENT"),
        ("abs.tar.gz", lambda: targz([("/etc/evil.xml", b"<x/>")]), "IN_DP_E1_UBL_INVOICE", "ARCHIVE_CHEMIN_ABSOLU"),
        ("nested.tar.gz", lambda: targz([("inner.zip", zipped([("a.xml", b"<x/>")]))]), "IN_DP_E1_UBL_INVOICE",
         "ARCHIVE_IMBRIQUEE"),
        ("disguised.zip", lambda: zipped([("a.xml", targz([("b.xml", b"<x/>")]))]), "IN_DP_E1_UBL_INVOICE",
         "ARCHIVE_IMBRIQUEE"),
        ("link.tar.gz", tar_with_link, "IN_DP_E1_UBL_INVOICE", "ARCHIVE_ENTREE_SPECIALE"),
        ("notgz.tar.gz", lambda: b"\x1f\x8b" + b"garbage" * 10, "IN_DP_E1_UBL_INVOICE", "ARCHIVE_ILLISIBLE"),
    ],
)
def test_hostile_archives_reject_the_whole_flow(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount,
    name: str, make: Any, syntax: str, code: str,
) -> None:
    answer = post(api_client, DEPOSER_FLUX, deposit_body(make(), name, syntax), api_headers)
    assert answer.status_code == 200, answer.json()
    number = answer.json()["numeroFluxDepot"]
    detail = post(api_client, "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, api_headers)
    body = detail.json()
    assert body["etatCourantDepotFlux"] == "IN_REJETE"
    assert [e["codeErreur"] for e in body["listeErreurTechnique"]] == [code]
    assert body["listeErreurTechnique"][0]["libelleErreur"]
    assert not Invoice.objects.exists() and not FlowItem.objects.exists()
    still_up(api_client, api_headers)


@pytest.mark.parametrize(
    ("name", "make", "syntax", "rule"),
    [
        ("bomb.pdf", flate_bomb_pdf, "IN_DP_E2_CII_FACTURX", "LIMIT_EXCEEDED"),
        ("doctype.xml", lambda: DOCTYPE_UBL, "IN_DP_E1_UBL_INVOICE", "XML_FORBIDDEN_CONSTRUCT"),
    ],
    ids=["pdf-flate-bomb", "xml-doctype"],
)
def test_hostile_invoices_are_rejected_with_the_reason(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount,
    name: str, make: Any, syntax: str, rule: str,
) -> None:
    answer = post(api_client, DEPOSER_FLUX, deposit_body(make(), name, syntax), api_headers)
    number = answer.json()["numeroFluxDepot"]
    body = post(
        api_client, "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, api_headers
    ).json()
    assert body["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = body["listeErreurDP"]
    assert error["libelleErreurDP"].startswith(rule) and name in error["libelleErreurDP"]
    assert not Invoice.objects.exists()
    still_up(api_client, api_headers)


def test_wrong_syntax_for_the_content_is_a_clear_rejection(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    data = file_for(technical_account, commune(), "cii", "W-1")
    number = post(
        api_client, DEPOSER_FLUX, deposit_body(data, "w.xml", "IN_DP_E2_CII_FACTURX"), api_headers
    ).json()["numeroFluxDepot"]
    body = post(
        api_client, "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, api_headers
    ).json()
    assert body["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = body["listeErreurTechnique"]
    assert error["codeErreur"] == "SYNTAXE_FLUX_INCOHERENTE" and "CII (XML)" in error["libelleErreur"]
    assert "Factur-X" in error["libelleErreur"]
    assert not Invoice.objects.exists()
