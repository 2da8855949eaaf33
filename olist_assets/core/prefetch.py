"""Run an iterator one step ahead in a background thread, so two stages of a pipeline share the cores.

Arrow, numpy and hashlib release the GIL in their inner loops, so reading and parsing the next
block overlaps with typing and writing the current one. At most `depth` items wait in between, so
memory stays bounded; an exception in the producer is raised in the consumer at the same point of
the sequence; a consumer that stops early stops the producer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """The items of `items`, produced in a background thread up to `depth` items ahead."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(waiting, item, stop):
                    return
            _put(waiting, _DONE, stop)
        except BaseException as error:  # handed to the consumer, which raises it
            _put(waiting, _Failure(error), stop)

    producer = threading.Thread(target=produce, name="olist-prefetch", daemon=True)
    producer.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        producer.join()


def _put(waiting: queue.Queue, item: object, stop: threading.Event) -> bool:
    """Hand an item over unless the consumer has stopped; whether it was handed over."""
    while not stop.is_set():
        try:
            waiting.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
