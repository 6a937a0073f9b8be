"""facturier.einvoice.validate.paused_gc: the cyclic collector paused during a validation.

It resumes after the last of concurrent validations, nothing escapes it, and a collector the
process disabled stays disabled.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from facturier.einvoice.validate import paused_gc, validate
from tests.einvoice.test_xsd import UBL_INVOICE


class Node:
    """A tracked object that can take part in a cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector enabled, as in a process that never touched it; restored after."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_paused_during_a_validation_and_resumes_after(collector: None) -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_cyclic_garbage_made_during_the_pause_is_still_collected(collector: None) -> None:
    with paused_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        watch = weakref.ref(a)
        del a, b
    assert watch() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert watch() is None


def test_a_disabled_collector_stays_disabled(collector: None) -> None:
    gc.disable()
    report = validate(UBL_INVOICE)
    assert report.valid
    assert not gc.isenabled()


def test_the_collector_resumes_after_the_last_of_concurrent_validations(collector: None) -> None:
    inside, release = threading.Event(), threading.Event()

    def long_validation() -> None:
        with paused_gc():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=long_validation)
    thread.start()
    assert inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the other validation still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()
