"""Standard Dagster metadata built from contracts and tables: schema, row count, preview."""

from __future__ import annotations

import dagster as dg
import pyarrow as pa

from olist_assets.core.checks.clean import CheckOutcome
from olist_assets.core.contracts import TableContract, athena_type


def column_schema(contract: TableContract) -> dg.TableSchema:
    """The contract as a Dagster TableSchema (Athena types, nullability, key columns)."""
    key = set(contract.primary_key) if len(contract.primary_key) == 1 else set()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column.name,
                type=column.athena_type,
                description=column.description or None,
                constraints=dg.TableColumnConstraints(
                    nullable=column.nullable, unique=column.name in key
                ),
            )
            for column in contract.columns
        ]
    )


def arrow_schema(schema: pa.Schema) -> dg.TableSchema:
    """A Dagster TableSchema for a table with no contract (business tables)."""
    return dg.TableSchema(
        columns=[dg.TableColumn(name=f.name, type=_type_name(f.type)) for f in schema]
    )


def preview(table: pa.Table, rows: int = 5) -> dg.MetadataValue:
    """The first rows as a Markdown table."""
    return dg.MetadataValue.md(table.slice(0, rows).to_pandas().to_markdown(index=False))


def check_result(outcome: CheckOutcome) -> dg.AssetCheckResult:
    """A core check outcome as a Dagster check result: blocking failures are errors, others warn."""
    severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=severity,
        description=outcome.description,
        metadata=outcome.metadata,
    )


def _type_name(arrow_type: pa.DataType) -> str:
    try:
        return athena_type(arrow_type)
    except ValueError:
        return str(arrow_type)
