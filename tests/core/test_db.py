"""rows_update: many rows' fields written by primary key in one prepared statement, as save() would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facturier.accounts.models import User
from facturier.core.db import rows_update
from facturier.core.demo import TECH_LOGIN, load_demo
from facturier.flows.models import Flow, FlowState
from facturier.flows.services import flow_receive

pytestmark = pytest.mark.django_db


def flows(count: int) -> list[Flow]:
    load_demo()
    tech = User.objects.get(email=TECH_LOGIN)
    return [flow_receive(actor=tech, data=b"<x/>", file_name=f"F{n}.xml", syntax="IN_DP_E1_CII_16B", channel="API")
            for n in range(count)]


def test_each_row_gets_its_own_values_and_the_others_are_untouched(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # not processed: the rows stay as written
        first, second, third = flows(3)
    at = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
    first.state, first.processed_at, first.report = FlowState.IN_INTEGRE, at, {"factures": [{"n": "é"}]}
    second.state, second.processed_at, second.report = FlowState.IN_REJETE, at + dt.timedelta(hours=1), {}
    second.report_pdf.save("cr.pdf", ContentFile(b"%PDF-1.7"), save=False)
    first.file_name = second.file_name = "changed.xml"  # not in the fields: not written

    with CaptureQueriesContext(connection) as queries:
        rows_update([first, second], ["state", "processed_at", "report", "report_pdf"])

    assert len([q for q in queries if q["sql"].startswith("UPDATE")]) <= 2  # one statement, run per row
    one, two, three = (Flow.objects.get(pk=f.pk) for f in (first, second, third))
    assert (one.state, one.processed_at, one.report) == (FlowState.IN_INTEGRE, at, {"factures": [{"n": "é"}]})
    assert (two.state, two.processed_at, two.report) == (FlowState.IN_REJETE, at + dt.timedelta(hours=1), {})
    with two.report_pdf.open("rb") as handle:
        assert two.report_pdf.name == second.report_pdf.name and handle.read() == b"%PDF-1.7"
    assert one.file_name == "F0.xml" and two.file_name == "F1.xml"
    assert (three.state, three.processed_at) == (FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP, None)


def test_it_refuses_what_it_cannot_write(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        [flow] = flows(1)
    rows_update([], ["state"])  # nothing to do
    with pytest.raises(ValueError, match="one model"):
        rows_update([flow, Flow(number="unsaved")], ["state"])
    with pytest.raises(ValueError, match="cannot write"):
        rows_update([flow], ["id"])
