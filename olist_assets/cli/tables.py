"""Table commands: query the lake with SQL, list a table's snapshots, roll one back, forget a raw
file, maintain the tables, rebuild a lost catalog."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from olist_assets.cli.errors import UserError
from olist_assets.cli.pipeline import LAKE_OPTION, dagster_home, open_tables

TABLE_HELP = "A table as NAMESPACE.NAME (clean.orders, business.fact_orders); NAME alone is clean."


def _split(qualified: str) -> tuple[str, str]:
    """`[namespace.]table` (clean by default) as (namespace, table); raises click.BadParameter
    naming the namespaces or the namespace's tables when either is not one of the lake's."""
    from olist_assets.core.business.tables import BUSINESS_TABLES
    from olist_assets.core.contracts import CONTRACTS
    from olist_assets.core.tables import BUSINESS, NAMESPACES

    namespace, _, name = qualified.rpartition(".")
    namespace = namespace or "clean"
    if namespace not in NAMESPACES:
        raise click.BadParameter(f"{qualified!r}: the namespace must be one of {list(NAMESPACES)}")
    names = sorted(BUSINESS_TABLES if namespace == BUSINESS else CONTRACTS)
    if name not in names:
        raise click.BadParameter(f"{qualified!r}: no {namespace} table {name!r}; one of {names}")
    return namespace, name


@click.command()
@LAKE_OPTION
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv"]),
    default="table",
    help="table: a readable box; csv: a header line and rows as DuckDB's COPY ... (HEADER) writes.",
)
@click.argument("query")
def sql(lake: str, output: str, query: str) -> int:
    """Run QUERY on DuckDB over the current snapshots of clean.*, business.* and quarantine.*."""
    import duckdb

    from olist_assets.engines.duckdb_engine import DuckDBEngine

    if not query.strip():
        raise click.BadParameter("the query is empty", param_hint="QUERY")
    engine = DuckDBEngine(open_tables(lake))
    try:
        if output == "table":
            click.echo(str(engine.connection.sql(query)), nl=False)
            return 0
        with tempfile.TemporaryDirectory(prefix="olist-sql-") as folder:
            path = Path(folder) / "result.csv"
            engine.connection.execute(f"COPY ({query}) TO '{path.as_posix()}' (HEADER)")
            click.echo(path.read_text(encoding="utf-8"), nl=False)
    except duckdb.Error as error:
        raise UserError(f"query failed: {str(error).splitlines()[0]}") from None
    finally:
        engine.close()
    return 0


@click.command()
@LAKE_OPTION
@click.argument("table", metavar="TABLE")
def history(lake: str, table: str) -> int:
    """List TABLE's snapshots: id, commit time, operation, batches changed, rows."""
    from olist_assets.stores.iceberg.history import snapshot_history

    namespace, name = _split(table)
    lines = snapshot_history(open_tables(lake), namespace, name)
    click.echo(f"{'snapshot':>20}  {'committed (UTC)':<19}  {'operation':<10}{'rows':>10}  batches")
    for line in lines:
        mark = "*" if line.current else " "
        click.echo(
            f"{line.snapshot_id:>19}{mark}  {line.committed_at:%Y-%m-%d %H:%M:%S}  "
            f"{line.operation:<10}{line.rows:>10,}  {line.batches}"
        )
    click.echo("* current snapshot. Athena: SELECT ... FROM <table> FOR VERSION AS OF <snapshot>")
    return 0


@click.command()
@LAKE_OPTION
@click.argument("table", metavar="TABLE")
@click.argument("snapshot", type=int)
def rollback(lake: str, table: str, snapshot: int) -> int:
    """Make SNAPSHOT of TABLE current again (undo a bad drop).

    The batches it undoes are excluded, so the next run does not land them again (until their file
    changes). It names the business tables the next run builds again (those built from other rows
    than the tables hold now).
    """
    from olist_assets.stores.iceberg.business import stale_builds
    from olist_assets.stores.iceberg.history import rollback as roll_back

    namespace, name = _split(table)
    home = dagster_home()
    tables = open_tables(lake)
    undone = roll_back(tables, namespace, name, snapshot)
    click.echo(f"{namespace}.{name} is at snapshot {snapshot} again")
    if undone:
        click.echo("Excluded until their files change: " + ", ".join(undone))
    click.echo(_next_builds(stale_builds(tables)))
    if namespace == "clean" and home:
        _tell_dagster(home, namespace, name, snapshot, undone)
    return 0


def _next_builds(stale: list[str]) -> str:
    if not stale:
        return "No business table needs building: each was built from what its inputs hold now."
    return "The next run builds again: " + ", ".join(f"business.{name}" for name in stale)


def _tell_dagster(home: Path, namespace: str, name: str, snapshot: int, undone: list[str]) -> None:
    """Record the rollback as a materialization in the instance at `home` ($DAGSTER_HOME, created
    when missing), so the declarative automation of `dagster dev` rebuilds what depends on it."""
    import dagster as dg

    home.mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.get() as instance:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(
                asset_key=[namespace, name],
                description=f"rolled back to snapshot {snapshot}",
                metadata={"snapshot_id": str(snapshot), "batches_undone": ", ".join(undone)},
            )
        )


@click.command()
@LAKE_OPTION
@click.argument("key", metavar="KEY")
def forget(lake: str, key: str) -> int:
    """Delete the raw file KEY (raw/...) and remove its batch from its table, whatever content
    the batch holds; rows it had superseded come back, and a refusal recorded for KEY is cleared.

    A file refused in the landing folder never entered the lake: fix or remove it there (forgetting
    its key would remove the accepted batch the lake holds at that key).
    """
    from olist_assets.core.cleaning import forget as forget_file

    tables = open_tables(lake)
    raw_key = key if key.startswith("raw/") else f"raw/{key}"
    result = forget_file(tables.store, tables, raw_key)
    click.echo(
        f"Forgot {raw_key}: {result.table} now holds {result.ledger.rows:,} rows "
        f"(snapshot {result.snapshot_id})"
    )
    return 0


@click.command()
@LAKE_OPTION
@click.option(
    "--retain-days",
    type=click.FloatRange(min=0),
    default=7.0,
    help="Keep snapshots (for time travel and rollback) and unreferenced files this long.",
)
def maintain(lake: str, retain_days: float) -> int:
    """Compact small files, expire old snapshots and delete files nothing references."""
    from olist_assets.stores.iceberg.maintenance import maintain_lake

    results = maintain_lake(open_tables(lake), timedelta(days=retain_days), datetime.now(tz=UTC))
    click.echo(f"{'table':<38}{'merged':>7}{'written':>8}{'expired':>8}{'deleted':>8}{'bytes':>22}")
    for r in results:
        click.echo(
            f"{r.table:<38}{r.files_compacted:>7}{r.files_written:>8}{r.snapshots_expired:>8}"
            f"{r.files_deleted:>8}{r.bytes_before:>11,} -> {r.bytes_after:>8,}"
        )
    return 0


@click.command()
@LAKE_OPTION
def upgrade(lake: str) -> int:
    """Bring a lake written by olist-lakehouse 0.1 (with manifests/) to the Iceberg layout.

    Its raw/ zone holds every file as received, so the clean tables are rebuilt from it; the
    0.1 files (manifests/, clean/ and quarantine/ Parquet) are deleted first. Run `olist-lakehouse
    run` afterwards to rebuild the business tables and the report.
    """
    from olist_assets.core.cleaning import refresh_table
    from olist_assets.core.contracts import CONTRACTS
    from olist_assets.core.lake import legacy_keys

    tables = open_tables(lake)
    old = legacy_keys([info.key for info in tables.store.list("")])
    if not old:
        click.echo(f"Nothing to upgrade: {lake} has no 0.1 files (manifests/); it is up to date")
        return 0
    for key in old:
        tables.store.delete(key)
    click.echo(f"Deleted {len(old)} files of the 0.1 layout")
    for contract in CONTRACTS.values():
        result = refresh_table(tables.store, tables, contract)
        click.echo(f"  clean.{contract.name}: {result.ledger.rows:,} rows from raw/")
    return 0


@click.group()
def catalog() -> None:
    """The Iceberg catalog of a lake."""


@catalog.command()
@LAKE_OPTION
def rebuild(lake: str) -> int:
    """Register every table found in the lake into a new catalog.db (after losing it)."""
    from olist_assets.stores.iceberg.catalogs import rebuild_sql_catalog

    tables = open_tables(lake)
    registered = rebuild_sql_catalog(tables.config, tables.store)
    click.echo(f"Registered {len(registered)} tables: " + (", ".join(registered) or "none"))
    if not registered:
        click.echo(
            "(a table already in catalog.db is kept as it is: delete catalog.db to rebuild all)"
        )
    return 0


COMMANDS = (sql, history, rollback, forget, maintain, upgrade, catalog)
