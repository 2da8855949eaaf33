"""Standard Dagster metadata built from contracts and tables: schema, row count, preview, money.

Money is published twice, deliberately: `<name>` is the exact decimal amount as text (BRL, to the
cent: the figure to read and copy) and `<name>_float` the same amount as a float, because Dagster
plots only numeric metadata over time; a float is never used for money anywhere else. Counts are
integers and rates floats.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum

import dagster as dg
import pyarrow as pa

from olist_assets.core.business.docs import TableDoc
from olist_assets.core.business.headline import Headline
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


def documented_schema(schema: pa.Schema, doc: TableDoc) -> dg.TableSchema:
    """A business table's TableSchema: its columns as built, described from its documentation."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=f.name, type=_type_name(f.type), description=doc.columns.get(f.name)
            )
            for f in schema
        ]
    )


def money(name: str, amount: Decimal) -> dict[str, dg.MetadataValue]:
    """`name`: the exact amount as text; `name_float`: the same amount for the Plots tab."""
    return {
        name: dg.MetadataValue.text(f"{amount:.2f}"),
        f"{name}_float": dg.MetadataValue.float(float(amount)),
    }


def headline_metadata(figures: Headline) -> dict[str, dg.MetadataValue]:
    """The headline as metadata the UI plots over materializations (rates left out when undefined)."""
    metadata = {
        "orders": dg.MetadataValue.int(figures.orders),
        "customers": dg.MetadataValue.int(figures.customers),
        **money("gmv", figures.gmv),
        **money("revenue", figures.revenue),
        "period": dg.MetadataValue.text(f"{figures.first_month} to {figures.last_month}"),
    }
    rates = {"on_time_rate": figures.on_time_rate, "avg_review": figures.avg_review}
    metadata |= {k: dg.MetadataValue.float(v) for k, v in rates.items() if v is not None}
    return metadata


def rows_table(rows: list, row_type: type) -> dg.MetadataValue:
    """Dataclass rows (one per batch, say) as a Dagster table: one column per field, ints typed."""
    fields = dataclasses.fields(row_type)
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(f.name, "int" if str(f.type).startswith("int") else "string")
            for f in fields
        ]
    )
    records = [
        dg.TableRecord(
            {
                f.name: value.value if isinstance(value, Enum) else value
                for f in fields
                for value in [getattr(row, f.name)]
            }
        )
        for row in rows
    ]
    return dg.MetadataValue.table(records, schema=schema)


def preview(table: pa.Table, rows: int = 5) -> dg.MetadataValue:
    """The first rows as a Markdown table."""
    return dg.MetadataValue.md(table.slice(0, rows).to_pandas().to_markdown(index=False))


def check_result(
    outcome: CheckOutcome, asset_key: dg.AssetKey | None = None
) -> dg.AssetCheckResult:
    """A core check outcome as a Dagster check result: blocking failures are errors, others warn.
    `asset_key` names the asset when one step checks several (a multi-asset check)."""
    severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=outcome.name if asset_key else None,
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
