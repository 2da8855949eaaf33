"""Table maintenance on a timetable: compact small files, expire old snapshots, delete orphans."""

from datetime import UTC, datetime, timedelta

import dagster as dg

from olist_assets.defs.resources import LakeResource
from olist_assets.stores.iceberg.maintenance import maintain_lake


class MaintenanceConfig(dg.Config):
    """How long snapshots (time travel, rollback) and unreferenced files are kept, in days."""

    retain_days: float = 7.0


@dg.op(description="Compact, expire snapshots older than the retention, delete orphan files.")
def maintain_tables(
    context: dg.OpExecutionContext, config: MaintenanceConfig, lake: LakeResource
) -> dg.Output[int]:
    results = maintain_lake(lake.tables(), timedelta(days=config.retain_days), datetime.now(tz=UTC))
    for r in results:
        context.log.info(
            f"{r.table}: {r.files_compacted} files merged into {r.files_written}, "
            f"{r.snapshots_expired} snapshots expired, {r.files_deleted} files deleted, "
            f"{r.bytes_before:,} -> {r.bytes_after:,} bytes"
        )
    saved = sum(r.bytes_before - r.bytes_after for r in results)
    return dg.Output(
        saved,
        metadata={
            "tables": len(results),
            "bytes_saved": saved,
            "snapshots_expired": sum(r.snapshots_expired for r in results),
            "files_deleted": sum(r.files_deleted for r in results),
        },
    )


@dg.job(description="Maintain every Iceberg table of the lake (see maintain_tables).")
def table_maintenance() -> None:
    maintain_tables()


nightly_table_maintenance = dg.ScheduleDefinition(
    name="nightly_table_maintenance",
    job=table_maintenance,
    cron_schedule="30 4 * * *",
    execution_timezone="UTC",
    description="Table maintenance every night at 04:30 UTC, keeping 7 days of snapshots.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
