"""A flow's page and its ``etat.json``, « Suivi des flux », the reports, and scoping."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facturier.accounts.models import User
from facturier.flows.models import Flow, FlowState
from facturier.flows.services import flow_receive
from tests.flows.builders import SYNTAXES, invoice_file, targz

BATCH = [("a.xml", "AD-A", {}), ("b.xml", "AD-BAD", {"purchase_order_reference": None}), ("c.xml", "AD-C", {})]


def batch() -> bytes:
    return targz([(name, invoice_file("ubl", number, **extra)) for name, number, extra in BATCH])


@pytest.fixture
def deposit(supplier_user: User, django_capture_on_commit_callbacks) -> Callable[..., Flow]:
    """Deposit through the service as the portal does; ``process=False`` leaves the flow queued."""

    def make(data: bytes | None = None, *, name: str = "lot.tar.gz", process: bool = True, actor: User | None = None) -> Flow:
        with django_capture_on_commit_callbacks(execute=process):
            flow = flow_receive(
                actor=actor or supplier_user, file_name=name, syntax=SYNTAXES["ubl"], channel="PORTAIL",
                data=data if data is not None else batch(),
            )
        return Flow.objects.get(pk=flow.pk)

    return make


def test_a_queued_flow_shows_a_progress_bar_and_a_refresh_link(supplier_client: Client, deposit) -> None:
    flow = deposit(process=False)
    assert flow.state == FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP
    html = supplier_client.get(f"/factures-emises/flux/{flow.number}/").content.decode()
    assert '<progress id="flow-progress" max="3" value="0">' in html
    assert 'aria-live="polite"' in html and 'role="status"' in html
    assert "En attente de traitement" in html and "0 fichier(s) traité(s) sur 3" in html
    assert f'href="/factures-emises/flux/{flow.number}/">Actualiser la page' in html
    assert f'data-flow-status-url="/factures-emises/flux/{flow.number}/etat.json"' in html
    assert "flows/flow.js" in html and "<script>" not in html


def test_the_progress_endpoint_follows_the_flow(supplier_client: Client, deposit) -> None:
    from facturier.flows.services import flow_process

    flow = deposit(process=False)
    url = f"/factures-emises/flux/{flow.number}/etat.json"
    response = supplier_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data.pop("date_etat")
    assert data == {
        "numero": flow.number, "etat": "IN_EN_ATTENTE_TRAITEMENT_CPP", "libelle": "En attente de traitement",
        "final": False, "traitees": 0, "integrees": 0, "rejetees": 0, "total": 3,
        "resultats": f"/factures-emises/flux/{flow.number}/resultats/",
    }
    flow_process(flow_id=flow.pk)
    data = supplier_client.get(url).json()
    assert data["etat"] == "IN_INTEGRE_PARTIEL" and data["final"] is True
    assert (data["traitees"], data["integrees"], data["rejetees"], data["total"]) == (3, 2, 1, 3)
    # The results fragment that flow.js swaps in.
    fragment = supplier_client.get(data["resultats"]).content.decode()
    assert "<html" not in fragment and "AD-A" in fragment and "b.xml" in fragment and "Rejetée" in fragment


def test_the_suivi_des_flux_page_lists_filters_and_paginates(supplier_client: Client, deposit, settings) -> None:
    settings.FACTURIER_FLOW_TEST_DELAY_SECONDS = 0
    done = deposit()
    queued = deposit(process=False, name="lot2.tar.gz")
    old = deposit(invoice_file("ubl", "AD-OLD"), name="ancienne.xml")
    Flow.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    page = supplier_client.get("/suivi-des-flux/")
    html = page.content.decode()
    assert page.status_code == 200
    for flow in (done, queued, old):
        assert f'href="/suivi-des-flux/flux/{flow.number}/"' in html
        assert f"/suivi-des-flux/flux/{flow.number}/compte-rendu.pdf" in html
    assert "lot.tar.gz" in html and "Intégré partiellement" in html and "Portail" in html
    assert "<td>2</td>\n      <td>1</td>" in html  # integrated / rejected of the batch
    listed = supplier_client.get("/espaces/suivi-flux/").content.decode()
    assert 'href="/suivi-des-flux/"' in listed

    def numbers(query: str) -> set[str]:
        content = supplier_client.get("/suivi-des-flux/" + query).content.decode()
        return {f.number for f in (done, queued, old) if f"/suivi-des-flux/flux/{f.number}/\"" in content}

    assert numbers("?state=IN_INTEGRE_PARTIEL") == {done.number}
    assert numbers("?state=IN_EN_ATTENTE_TRAITEMENT_CPP") == {queued.number}
    assert numbers(f"?number={old.number[-9:]}") == {old.number}
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert numbers(f"?date_from={since}") == {done.number, queued.number}
    assert numbers(f"?date_to={since}") == {old.number}

    settings_page_size = 20
    for i in range(settings_page_size):
        deposit(invoice_file("ubl", f"AD-N{i}"), name=f"n{i}.xml", process=False)
    first = supplier_client.get("/suivi-des-flux/?state=IN_EN_ATTENTE_TRAITEMENT_CPP").content.decode()
    assert "Page 1 sur 2" in first and "state=IN_EN_ATTENTE_TRAITEMENT_CPP&amp;page=2" in first
    second = supplier_client.get("/suivi-des-flux/?state=IN_EN_ATTENTE_TRAITEMENT_CPP&page=2").content.decode()
    assert "Page 2 sur 2" in second and "21 flux" in second


def test_the_list_makes_a_fixed_number_of_queries(supplier_client: Client, deposit) -> None:
    deposit()
    supplier_client.get("/suivi-des-flux/")  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        supplier_client.get("/suivi-des-flux/")
    for _ in range(3):
        deposit()
    with CaptureQueriesContext(connection) as four:
        supplier_client.get("/suivi-des-flux/")
    assert len(four) == len(one)


def test_the_reports_download_as_json_and_pdf(supplier_client: Client, deposit) -> None:
    flow = deposit()
    response = supplier_client.get(f"/suivi-des-flux/flux/{flow.number}/compte-rendu.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert f'filename="compte-rendu-{flow.number}.json"' in response["Content-Disposition"]
    report = json.loads(response.content)
    assert report["numeroFluxDepot"] == flow.number and report["etat"] == "IN_INTEGRE_PARTIEL"
    assert [f["resultat"] for f in report["factures"]] == ["INTEGRE", "REJETE", "INTEGRE"]
    pdf = supplier_client.get(f"/suivi-des-flux/flux/{flow.number}/compte-rendu.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # The page of the flow in « Suivi des flux » links to both.
    html = supplier_client.get(f"/suivi-des-flux/flux/{flow.number}/").content.decode()
    assert "compte-rendu.pdf" in html and "compte-rendu.json" in html


def test_a_running_flows_report_is_built_from_what_is_done(supplier_client: Client, deposit) -> None:
    flow = deposit(process=False)
    report = supplier_client.get(f"/suivi-des-flux/flux/{flow.number}/compte-rendu.json").json()
    assert report["etat"] == "IN_EN_ATTENTE_TRAITEMENT_CPP" and report["factures"] == []
    assert supplier_client.get(f"/suivi-des-flux/flux/{flow.number}/compte-rendu.pdf").content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    [
        "/factures-emises/flux/{n}/",
        "/factures-emises/flux/{n}/etat.json",
        "/factures-emises/flux/{n}/resultats/",
        "/suivi-des-flux/flux/{n}/",
        "/suivi-des-flux/flux/{n}/etat.json",
        "/suivi-des-flux/flux/{n}/resultats/",
        "/suivi-des-flux/flux/{n}/compte-rendu.json",
        "/suivi-des-flux/flux/{n}/compte-rendu.pdf",
    ],
)
def test_another_structures_flow_answers_404(client: Client, deposit, other_user: User, path: str) -> None:
    flow = deposit(process=False)
    client.force_login(other_user)
    assert client.get(path.format(n=flow.number)).status_code == 404
    assert client.get(path.format(n="CPP0000000000000000000000")).status_code == 404
    assert flow.number not in client.get("/suivi-des-flux/").content.decode()


def test_suivi_des_flux_needs_its_subscription(client: Client, deposit, supplier_user: User) -> None:
    from facturier.structures.models import SpaceSubscription
    from facturier.structures.spaces import Space

    flow = deposit(process=False)
    SpaceSubscription.objects.filter(user=supplier_user, space=Space.SUIVI_FLUX).delete()
    client.force_login(supplier_user)
    assert client.get("/suivi-des-flux/").status_code == 403
    assert client.get(f"/suivi-des-flux/flux/{flow.number}/compte-rendu.pdf").status_code == 403
    # The depositor still follows its flow from « Factures émises ».
    assert client.get(f"/factures-emises/flux/{flow.number}/").status_code == 200
