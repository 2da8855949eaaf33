"""DuckDBEngine over an S3 lake (a moto server on loopback): the same tables as over a local folder.

An s3:// lake keeps its Iceberg tables in the Glue catalog (moto's, here). DuckDB cannot load httpfs
here, so the engine reads S3 through pyarrow datasets on the store's filesystem; pyarrow's own S3
client (and pyiceberg's) needs a real endpoint, hence moto in server mode.
"""

from __future__ import annotations

import os

import boto3
import pytest

from olist_assets.core.business.tables import BUSINESS_TABLES, build_stages
from olist_assets.core.tables import BUSINESS
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.stores.iceberg.catalogs import DEFAULT_GLUE_DATABASES, GLUE
from olist_assets.stores.iceberg.datafiles import current_files
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables

pytestmark = pytest.mark.integration

BUCKET = "olist-lake"


@pytest.fixture
def s3_lake(moto_server: str, write_tiny_layer) -> IcebergTables:
    """The tiny clean layer committed to the Iceberg tables of s3://olist-lake/lakes/tiny/."""
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    tables = open_tables(f"s3://{BUCKET}/lakes/tiny", os.environ)
    write_tiny_layer(tables)
    return tables


def build_all(tables: IcebergTables) -> dict[str, list[dict]]:
    engine = DuckDBEngine(tables)
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
    # Given the same clean layer in a local folder and under an S3 prefix (in the Glue catalog)
    assert s3_lake.config.kind == GLUE

    # When both are built
    on_s3, local = build_all(s3_lake), build_all(tiny_lake)

    # Then every table holds the same rows, its snapshot one file under business/<table>/data/
    assert on_s3 == local
    fact_orders = s3_lake.load(BUSINESS, "fact_orders")
    [path] = [
        f.file_path for f in current_files(fact_orders, fact_orders.current_snapshot().snapshot_id)
    ]
    assert path.startswith(f"s3://{BUCKET}/lakes/tiny/business/fact_orders/data/")
    # And Glue catalogs it as an Iceberg table whose metadata is the current one
    glue = boto3.client("glue").get_table(
        DatabaseName=DEFAULT_GLUE_DATABASES[BUSINESS], Name="fact_orders"
    )["Table"]
    assert glue["Parameters"]["table_type"] == "ICEBERG"
    assert glue["Parameters"]["metadata_location"] == fact_orders.metadata_location
