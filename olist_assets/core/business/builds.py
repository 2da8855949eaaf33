"""When a business table needs building, and what a build's version is: one rule for both engines
(DuckDB, Athena) and for Dagster's code version.

A build records, in the summary of the snapshot it commits, the input snapshots it read
(`clean.<t>`/`business.<t>` -> snapshot id), their contents and its build version (the SQL text and
the documentation that becomes the table's comments). An input's content is the snapshot id that
first held its rows: a compaction rewrites files but no row, so it carries its snapshot's content
over (`content_of`). A table whose current snapshot was built from the contents its inputs hold
now, by the current version, would come out the same: it is not built again, so a run over
unchanged files, or after maintenance, commits no business snapshot (as a clean refresh of unchanged
files commits none). A rollback of an input changes its content, so what was built from it is built
again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from olist_assets.core.business.docs import doc_file
from olist_assets.core.business.tables import sql_for
from olist_assets.core.versions import digest

INPUTS_PROPERTY = "olist.inputs"
CONTENTS_PROPERTY = "olist.input-contents"
VERSION_PROPERTY = "olist.build-version"
BUILD_PROPERTIES = (INPUTS_PROPERTY, CONTENTS_PROPERTY, VERSION_PROPERTY)
CONTENT_OF_PROPERTY = "olist.content-of"


def build_version(name: str) -> str:
    """The version of business.<name>'s builds, and its Dagster code version: a digest (16 hex) of
    its SQL statement and its documentation file."""
    return digest(["business-build", sql_for(name), doc_file(name).read_bytes()])


def content_of(snapshot_id: int, summary: Mapping[str, str]) -> str:
    """The content a snapshot holds: the snapshot id that first held its rows (a compaction names
    it in its summary), else its own."""
    return summary.get(CONTENT_OF_PROPERTY) or str(snapshot_id)


def build_properties(
    name: str, inputs: Mapping[str, int | None], contents: Mapping[str, str]
) -> dict[str, str]:
    """What a build of business.<name> from these input snapshots, holding these contents, records
    in its snapshot summary (and in the table properties, where Athena and Glue users see it)."""
    return {
        INPUTS_PROPERTY: json.dumps(dict(inputs), sort_keys=True),
        CONTENTS_PROPERTY: json.dumps(dict(contents), sort_keys=True),
        VERSION_PROPERTY: build_version(name),
    }


def build_is_current(name: str, summary: Mapping[str, str], contents: Mapping[str, str]) -> bool:
    """Whether the business.<name> snapshot with this summary was built from exactly these input
    contents by the current build version (a snapshot that records no build, as one written before
    versions were recorded, is not current)."""
    recorded = [summary.get(key) for key in (CONTENTS_PROPERTY, VERSION_PROPERTY)]
    return recorded == [json.dumps(dict(contents), sort_keys=True), build_version(name)]
