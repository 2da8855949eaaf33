"""The Glue catalog entry of a clean table, built from its contract and kept equal to it."""

from __future__ import annotations

from typing import Any

from olist_assets.core.contracts import TableContract

PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def clean_table_input(contract: TableContract, location: str) -> dict[str, Any]:
    """The Glue TableInput of an external Parquet table over `location` with the contract's columns."""
    columns = []
    for column in contract.columns:
        entry = {"Name": column.name, "Type": column.athena_type}
        if column.description:
            entry["Comment"] = column.description
        columns.append(entry)
    return {
        "Name": contract.name,
        "Description": contract.description,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE"},
        "StorageDescriptor": {
            "Columns": columns,
            "Location": location,
            "InputFormat": PARQUET_INPUT,
            "OutputFormat": PARQUET_OUTPUT,
            "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE},
        },
    }


def ensure_clean_table(glue, database: str, contract: TableContract, location: str) -> str:
    """Create the table, or update it if its columns or location drifted; returns what it did."""
    wanted = clean_table_input(contract, location)
    try:
        current = glue.get_table(DatabaseName=database, Name=contract.name)["Table"]
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=database, TableInput=wanted)
        return "created"
    if _shape(current["StorageDescriptor"]) == _shape(wanted["StorageDescriptor"]):
        return "unchanged"
    glue.update_table(DatabaseName=database, TableInput=wanted)
    return "updated"


def _shape(descriptor: dict[str, Any]) -> tuple[object, ...]:
    """What readers depend on: column names and types, and where the files are."""
    columns = tuple((c["Name"], c["Type"].lower()) for c in descriptor.get("Columns", []))
    return columns, descriptor.get("Location", "").rstrip("/")
