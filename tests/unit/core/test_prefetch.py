"""The prefetching thread hands items over in order, raises the producer's error in the consumer,
and stops when the consumer stops."""

from __future__ import annotations

import threading

import pytest

from olist_assets.core.prefetch import prefetched


def test_items_arrive_in_order():
    assert list(prefetched(iter(range(100)), depth=2)) == list(range(100))


def test_an_error_in_the_producer_is_raised_after_the_items_before_it():
    def produce():
        yield 1
        yield 2
        raise ValueError("bad block")

    received = []
    with pytest.raises(ValueError, match="bad block"):
        for item in prefetched(produce()):
            received.append(item)
    assert received == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer():
    produced = []

    def produce():
        for n in range(1_000):
            produced.append(n)
            yield n

    items = prefetched(produce())
    assert next(items) == 0
    items.close()
    assert len(produced) <= 3
    assert not [t for t in threading.enumerate() if t.name == "olist-prefetch"]
