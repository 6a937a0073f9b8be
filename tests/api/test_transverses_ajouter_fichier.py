"""ajouterFichierDansSysteme (T28): a pending attachment owned by the technical account's user."""

from __future__ import annotations

import pytest
from django.test import Client

from facturier.invoices.models import InvoiceAttachment
from facturier.structures.models import TechnicalAccount

from .deposits import post
from .entries import b64

pytestmark = pytest.mark.django_db
AJOUTER = "/cpro/transverses/v1/ajouter/fichier"


def body(data: bytes, name: str, **extra: object) -> dict:
    return {"idUtilisateurCourant": 0, "pieceJointeFichier": b64(data), "pieceJointeNom": name,
            "pieceJointeTypeMime": "application/pdf", **extra}


def test_upload_answers_an_integer_id_of_a_pending_attachment(
    api_client: Client, api_headers: dict, technical_account: TechnicalAccount
) -> None:
    answer = post(api_client, AJOUTER, body(b"%PDF-1.4 devis", "devis", pieceJointeExtension="PDF"), api_headers)
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["codeRetour"] == 0 and isinstance(data["pieceJointeId"], int)
    stored = InvoiceAttachment.objects.get(pk=data["pieceJointeId"])
    assert stored.invoice is None and stored.uploaded_by == technical_account.user
    assert stored.name == "devis.pdf" and stored.extension == "PDF" and stored.size == 14


@pytest.mark.parametrize(
    ("name", "field"),
    [("x" * 47 + ".pdf", "nom"), ("programme.exe", "extension"), ("sans-extension", "nom")],
)
def test_names_are_checked(api_client: Client, api_headers: dict, name: str, field: str) -> None:
    answer = post(api_client, AJOUTER, body(b"data", name), api_headers)
    assert answer.status_code == 400 and answer.json()["codeRetour"] == 20004
    assert field in answer.json()["erreurs"]
    assert InvoiceAttachment.objects.count() == 0


def test_over_the_size_limit_is_20003(api_client: Client, api_headers: dict, settings: object) -> None:
    settings.FACTURIER_ATTACHMENT_MAX_BYTES = 1000  # type: ignore[attr-defined]
    answer = post(api_client, AJOUTER, body(b"x" * 1001, "gros.pdf"), api_headers)
    assert answer.json()["codeRetour"] == 20003 and answer.status_code == 413
    assert InvoiceAttachment.objects.count() == 0


def test_bad_base64_and_empty_file(api_client: Client, api_headers: dict) -> None:
    bad = post(api_client, AJOUTER, {"pieceJointeFichier": "%%%", "pieceJointeNom": "a.pdf"}, api_headers)
    assert bad.status_code == 400 and bad.json()["libelle"] == "DEP_MSG_BASE64_INVALIDE"
    empty = post(api_client, AJOUTER, {"pieceJointeFichier": "", "pieceJointeNom": "a.pdf"}, api_headers)
    assert empty.status_code == 400
