"""Which failures the runtime retries (transient) and which it records once (permanent)."""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from olist_assets.aws.errors import TransientError, is_transient
from olist_assets.core.parsing import HeaderMismatchError


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "Operation")


@pytest.mark.parametrize("code", ["ThrottlingException", "SlowDown", "TooManyRequestsException"])
def test_throttling_is_transient(code: str) -> None:
    assert is_transient(client_error(code))


def test_lost_connection_and_our_own_transient_error_are_transient() -> None:
    assert is_transient(EndpointConnectionError(endpoint_url="https://s3.amazonaws.com"))
    assert is_transient(TransientError("retry me"))


@pytest.mark.parametrize(
    "error",
    [
        client_error("AccessDenied"),
        client_error("EntityNotFoundException"),
        HeaderMismatchError("olist_orders_dataset.csv", ["order_id"], []),
        KeyError("table"),
    ],
)
def test_permissions_missing_things_and_bad_files_are_permanent(error: Exception) -> None:
    assert not is_transient(error)
