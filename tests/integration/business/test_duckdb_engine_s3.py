"""DuckDBEngine over an S3 lake (a moto server on loopback): the same tables as over a local folder.

DuckDB cannot load httpfs here, so the engine reads S3 through pyarrow datasets on the store's
filesystem; pyarrow's own S3 client needs a real endpoint, hence moto in server mode.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from olist_assets.core.business.tables import BUSINESS_TABLES, build_stages
from olist_assets.core.storage import Store
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.stores.s3 import S3Store

pytestmark = pytest.mark.integration

BUCKET = "olist-lake"


@pytest.fixture
def s3_lake(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[S3Store]:
    """The tiny clean layer uploaded under s3://olist-lake/lakes/tiny/ on a moto server."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        session = boto3.Session(region_name="us-east-1")
        session.client("s3").create_bucket(Bucket=BUCKET)
        store = S3Store(BUCKET, "lakes/tiny", session=session)
        yield store
    finally:
        server.stop()


def build_all(store: Store) -> dict[str, list[dict]]:
    engine = DuckDBEngine(store)
    for stage in build_stages():
        for name in stage:
            engine.build_table(name)
    return {
        name: engine.query(
            f"SELECT * FROM business.{name} ORDER BY {', '.join(table.grain)}"
        ).to_pylist()
        for name, table in BUSINESS_TABLES.items()
    }


def test_an_s3_lake_builds_the_same_business_tables_as_a_local_one(s3_lake, tiny_lake):
    # Given the same clean layer in a local folder and under an S3 prefix
    for key in [info.key for info in tiny_lake.list("clean/")]:
        with tiny_lake.local_copy(key) as path:
            s3_lake.put_file(key, path)

    # When both are built
    on_s3, local = build_all(s3_lake), build_all(tiny_lake)

    # Then every table holds the same rows, published as one object under business/<table>/
    assert on_s3 == local
    assert [i.key for i in s3_lake.list("business/fact_orders/")] == [
        "business/fact_orders/fact_orders.parquet"
    ]
