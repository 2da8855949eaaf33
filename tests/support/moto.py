"""A moto server on loopback, for a fixture of any scope (conftest's `moto_server` is per test)."""

from __future__ import annotations

import contextlib
import logging
import urllib.request
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer


@contextlib.contextmanager
def running_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server on loopback from an empty account, with the AWS environment pointing at it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # The server's backends live in this process and outlive it: start from an empty account
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    try:
        yield endpoint
    finally:
        server.stop()
