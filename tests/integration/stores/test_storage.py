"""The storage port: a local folder and an S3 prefix (a moto server) behave the same for the core,
and so do the Iceberg tables over them (a SQL catalog in the folder, the Glue catalog for S3)."""

from __future__ import annotations

import os
import stat
import time
from datetime import datetime

import boto3
import pytest

from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.storage import OutsideStoreError, Store
from olist_assets.settings import catalog_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore
from olist_assets.stores.locations import open_store
from olist_assets.stores.s3 import S3Store

BUCKET = "olist-lake"
SPACED_KEY = "raw/orders/olist orders dataset 2018 09.csv"


@pytest.fixture
def aws(moto_server: str) -> boto3.Session:
    """An AWS account on a moto server with the lake bucket (pyarrow's S3 client needs a server)."""
    session = boto3.Session(region_name="us-east-1")
    session.client("s3").create_bucket(Bucket=BUCKET)
    return session


@pytest.fixture(params=["local", "s3"])
def any_store(request: pytest.FixtureRequest, tmp_path) -> Store:
    if request.param == "local":
        return LocalStore(tmp_path / "lake")
    session = request.getfixturevalue("aws")
    return S3Store(BUCKET, "lakes/test", session=session)


@pytest.fixture
def any_lake(any_store: Store) -> IcebergTables:
    """The store's Iceberg tables, in the catalog its URL calls for."""
    return IcebergTables(catalog_config(any_store.url, os.environ), any_store)


def test_written_bytes_read_back_whole_and_streamed(any_store):
    any_store.write_bytes("raw/sellers/a.csv", b"x,y\n1,2\n")

    assert any_store.read_bytes("raw/sellers/a.csv") == b"x,y\n1,2\n"
    with any_store.open_input("raw/sellers/a.csv") as stream:
        assert stream.read(4) == b"x,y\n"
        assert stream.read() == b"1,2\n"


def test_rewriting_a_key_replaces_its_bytes(any_store):
    any_store.write_bytes("runs/refresh/latest_request.json", b"{}")
    any_store.write_bytes("runs/refresh/latest_request.json", b'{"execution": "e2"}')

    assert any_store.read_bytes("runs/refresh/latest_request.json") == b'{"execution": "e2"}'


def test_put_file_uploads_a_local_file(any_store, tmp_path):
    source = tmp_path / "staged.parquet"
    source.write_bytes(b"PAR1 body PAR1")

    any_store.put_file("staging/sellers/b.parquet", source)

    assert any_store.read_bytes("staging/sellers/b.parquet") == b"PAR1 body PAR1"


def test_local_copy_is_a_readable_file_with_the_object_bytes(any_store):
    any_store.write_bytes("clean/sellers/b.parquet", b"parquet bytes")

    with any_store.local_copy("clean/sellers/b.parquet") as path:
        assert path.read_bytes() == b"parquet bytes"


def test_info_gives_size_etag_and_an_aware_modified_time(any_store):
    any_store.write_bytes("raw/sellers/a.csv", b"12345")

    info = any_store.info("raw/sellers/a.csv")

    assert (info.key, info.size) == ("raw/sellers/a.csv", 5)
    assert info.etag
    assert isinstance(info.modified, datetime)
    assert info.modified.utcoffset() is not None


def test_info_changes_etag_when_the_bytes_change(any_store):
    any_store.write_bytes("raw/sellers/a.csv", b"12345")
    first = any_store.info("raw/sellers/a.csv").etag
    any_store.write_bytes("raw/sellers/a.csv", b"123456")

    assert any_store.info("raw/sellers/a.csv").etag != first


def test_info_of_a_missing_key_is_none(any_store):
    assert any_store.info("raw/sellers/missing.csv") is None


def test_list_gives_lake_relative_keys_under_a_prefix_sorted(any_store):
    for key in ("clean/sellers/b.parquet", "clean/sellers/a.parquet", "clean/orders/a.parquet"):
        any_store.write_bytes(key, b"x")
    any_store.write_bytes("clean/sellers_extra/a.parquet", b"x")

    listed = any_store.list("clean/sellers/")

    assert [info.key for info in listed] == ["clean/sellers/a.parquet", "clean/sellers/b.parquet"]
    assert [info.size for info in listed] == [1, 1]
    assert any_store.list("clean/customers/") == []


def test_delete_removes_a_key_and_ignores_a_missing_one(any_store):
    any_store.write_bytes("staging/sellers/b.parquet", b"x")

    any_store.delete("staging/sellers/b.parquet")
    any_store.delete("staging/sellers/b.parquet")

    assert any_store.info("staging/sellers/b.parquet") is None
    assert any_store.list("staging/sellers/") == []


def test_keys_with_spaces_work_for_every_operation(any_store, tmp_path):
    source = tmp_path / "file with spaces.csv"
    source.write_bytes(b"a,b\n")

    any_store.put_file(SPACED_KEY, source)

    assert any_store.read_bytes(SPACED_KEY) == b"a,b\n"
    assert [info.key for info in any_store.list("raw/orders/")] == [SPACED_KEY]
    assert any_store.info(SPACED_KEY).size == 4
    with any_store.local_copy(SPACED_KEY) as path:
        assert path.read_bytes() == b"a,b\n"
    any_store.delete(SPACED_KEY)
    assert any_store.info(SPACED_KEY) is None


def test_uri_names_the_object_in_its_backend(any_store):
    uri = any_store.uri("clean/sellers/b.parquet")

    assert uri.endswith("clean/sellers/b.parquet")
    if isinstance(any_store, S3Store):
        assert uri == f"s3://{BUCKET}/lakes/test/clean/sellers/b.parquet"


def test_s3_store_keeps_its_objects_under_its_prefix(aws):
    S3Store(BUCKET, "/lakes/test/", session=aws).write_bytes("raw/sellers/a.csv", b"x")

    listed = aws.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]

    assert [item["Key"] for item in listed] == ["lakes/test/raw/sellers/a.csv"]


def test_open_store_picks_the_backend_from_the_url(tmp_path):
    s3 = open_store("s3://olist-lake/prod/lake")
    local = open_store(tmp_path / "lake")

    assert isinstance(s3, S3Store)
    assert (s3.bucket, s3.prefix, s3.url) == (
        "olist-lake",
        "prod/lake/",
        "s3://olist-lake/prod/lake/",
    )
    assert isinstance(local, LocalStore)
    assert local.root == (tmp_path / "lake").resolve()


def test_cleaning_gives_the_same_table_on_a_local_folder_and_on_s3(aws, tmp_path, olist_csv):
    text = olist_csv(
        "sellers",
        '"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP',
        'd1b65fc7debc3361ea86b5f14c68d2e2,"01037",são paulo,SP',
        "d1b65fc7debc3361ea86b5f14c68d2e2,bad,são paulo,SP",
    )
    key = lake.raw_key("drops 2018/olist_sellers_dataset_2018-09.csv")
    rows = []
    for each in (LocalStore(tmp_path / "lake"), S3Store(BUCKET, "lake", session=aws)):
        tables = IcebergTables(catalog_config(each.url, os.environ), each)
        each.write_bytes(key, text.encode())
        (entry,) = refresh_table(each, tables, CONTRACTS["sellers"]).landed
        assert (entry.rows_clean, entry.rows_quarantined) == (2, 1)
        assert not refresh_table(each, tables, CONTRACTS["sellers"]).changed
        rows.append(tables.scan(lake.CLEAN, "sellers").read_all())
    local, s3 = rows
    assert local.num_rows == 2 and local.equals(s3)


def test_a_dated_drop_wins_over_the_undated_file_whatever_the_landing_order_on_either_backend(
    any_lake, olist_csv
):
    store = any_lake.store

    def land(file_name: str, city: str) -> None:
        row = f'"3442f8959a84dea7ee197c632cb2df15","13023",{city},SP'
        store.write_bytes(lake.raw_key(f"sellers/{file_name}"), olist_csv("sellers", row).encode())
        refresh_table(store, any_lake, CONTRACTS["sellers"])

    def cities() -> list[str]:
        return (
            any_lake.scan(lake.CLEAN, "sellers", ["seller_city"])
            .read_all()["seller_city"]
            .to_pylist()
        )

    # Given a September drop, then the undated file landing after it
    land("olist_sellers_dataset_2018-09.csv", "sorocaba")
    land("olist_sellers_dataset.csv", "campinas")
    assert cities() == ["sorocaba"]
    snapshots = len(any_lake.load(lake.CLEAN, "sellers").snapshots())

    # When the undated file's very bytes land again, later still
    if isinstance(store, S3Store):
        time.sleep(1.1)  # S3 modification times have a resolution of one second
    land("olist_sellers_dataset.csv", "campinas")

    # Then the dated drop still wins the key, and the same content committed nothing
    assert cities() == ["sorocaba"]
    assert len(any_lake.load(lake.CLEAN, "sellers").snapshots()) == snapshots


@pytest.mark.parametrize(
    "key", ["raw/../clean/orders/x.csv", "../outside.csv", "/etc/passwd", ".."]
)
def test_keys_that_would_leave_the_root_are_refused_by_every_operation(any_store, tmp_path, key):
    source = tmp_path / "x.csv"
    source.write_bytes(b"x")

    for operation in (
        lambda: any_store.write_bytes(key, b"x"),
        lambda: any_store.put_file(key, source),
        lambda: any_store.read_bytes(key),
        lambda: any_store.info(key),
        lambda: any_store.delete(key),
    ):
        with pytest.raises(OutsideStoreError, match="not a key inside the store"):
            operation()
    assert not (tmp_path / "outside.csv").exists()


def test_listing_a_missing_root_is_empty_and_never_walks_the_parent(tmp_path):
    (tmp_path / "sibling.csv").write_bytes(b"x")

    assert LocalStore(tmp_path / "missing").list("") == []
    assert LocalStore(tmp_path / "missing").list("raw/") == []


def test_a_linked_file_is_read_only_when_it_stays_inside_the_root(tmp_path):
    root = tmp_path / "landing"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "inside.csv").write_bytes(b"in")
    (tmp_path / "secret.csv").write_bytes(b"secret")
    (root / "inside_link.csv").symlink_to(root / "sub" / "inside.csv")
    (root / "outside_link.csv").symlink_to(tmp_path / "secret.csv")
    store = LocalStore(root)

    assert store.read_bytes("inside_link.csv") == b"in"
    with pytest.raises(OutsideStoreError, match="outside .*copy the file in"):
        store.read_bytes("outside_link.csv")
    with pytest.raises(OutsideStoreError), store.open_input("outside_link.csv"):
        pass


def test_listing_does_not_follow_linked_folders(tmp_path):
    root, elsewhere = tmp_path / "landing", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (elsewhere / "olist_orders_dataset.csv").write_bytes(b"x")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "a.csv").write_bytes(b"a")

    assert [info.key for info in LocalStore(root).list("")] == ["a.csv"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_get_the_mode_the_umask_gives_a_normal_write(tmp_path, umask, mode):
    store, source = LocalStore(tmp_path / "lake"), tmp_path / "source.csv"
    source.write_bytes(b"x")
    previous = os.umask(umask)
    try:
        store.write_bytes("reports/a.html", b"x")
        store.put_file("raw/a.csv", source)
    finally:
        os.umask(previous)

    assert stat.S_IMODE((store.root / "reports/a.html").stat().st_mode) == mode
    assert stat.S_IMODE((store.root / "raw/a.csv").stat().st_mode) == mode
