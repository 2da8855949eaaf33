"""When a business table needs building: the one rule both engines (DuckDB, Athena) apply.

A build records, in the summary of the snapshot it commits, the input snapshots it read
(`clean.<t>`/`business.<t>` -> snapshot id) and its build version (the SQL text and the documentation
that becomes the table's comments). A table whose current snapshot was built from the very snapshots
current now, with the same version, would come out the same: it is not built again, so a run over
unchanged files commits no business snapshot (as a clean refresh of unchanged files commits none).
A table rolled back to an earlier build is built again by the next run; a compaction carries its
snapshot's record over.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from olist_assets.core.business.docs import doc_file
from olist_assets.core.business.tables import sql_for
from olist_assets.core.versions import digest

INPUTS_PROPERTY = "olist.inputs"
VERSION_PROPERTY = "olist.build-version"
BUILD_PROPERTIES = (INPUTS_PROPERTY, VERSION_PROPERTY)


def build_version(name: str) -> str:
    """The version of business.<name>'s builds: its SQL file and its documentation file (16 hex)."""
    return digest(["business-build", sql_for(name), doc_file(name).read_bytes()])


def build_properties(name: str, inputs: Mapping[str, int | None]) -> dict[str, str]:
    """What a build of business.<name> from these input snapshots records in its snapshot summary
    (and in the table properties, where Athena and Glue users see it)."""
    return {
        INPUTS_PROPERTY: json.dumps(dict(inputs), sort_keys=True),
        VERSION_PROPERTY: build_version(name),
    }


def build_is_current(
    name: str, summary: Mapping[str, str], inputs: Mapping[str, int | None]
) -> bool:
    """Whether the business.<name> snapshot with this summary was built from exactly these input
    snapshots by the current build version (a snapshot that records no build, as one written
    before versions were recorded, is not current)."""
    recorded = {key: summary.get(key) for key in BUILD_PROPERTIES}
    return recorded == build_properties(name, inputs)
