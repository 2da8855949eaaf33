"""The SQL engine port: build a business table from its SQL file, or run a query, on some engine.

Adapters: DuckDB over the lake's Parquet (local runs, `duckdb_engine`) and Athena (production,
`athena_engine`). Checks and runtimes depend only on this port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class BuildResult:
    """What building one business table produced: its rows, where it was published, how long it
    took, the table snapshot it committed and the input snapshots it read (`clean.<t>` -> id).
    `rebuilt` is False when the table was already built from those inputs (`core/business/builds`):
    then `snapshot_id` is the standing snapshot and nothing was committed."""

    name: str
    rows: int
    location: str
    seconds: float
    snapshot_id: int | None = None
    inputs: dict[str, int | None] = field(default_factory=dict)
    rebuilt: bool = True


class SqlEngine(Protocol):
    """What the business layer needs from a SQL engine."""

    def build_table(self, name: str, rebuild: bool = False) -> BuildResult:
        """Run the table's SQL and publish the result as one snapshot of `business.<name>`, unless
        the table was already built from what its inputs hold now (BuildResult.rebuilt) and
        `rebuild` is False."""
        ...

    def query(self, sql: str) -> pa.Table:
        """Run a query naming tables `clean.<table>` and `business.<table>`; return its rows."""
        ...
