"""Which Iceberg catalog holds a lake's tables, and opening it.

- A local lake folder: a SQLite SQL catalog at `<lake>/catalog.db`, warehouse the lake folder.
- An `s3://` lake (production, or a laptop working on it): the AWS Glue catalog, one database per
  namespace (Terraform creates them; Athena reads the tables natively).

Tables live at `<lake>/<namespace>/<table>/` (data/ and metadata/), the same keys on both backends,
so a lost `catalog.db` can be rebuilt from the tables' metadata files (`rebuild_sql_catalog`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random

from olist_assets.core.storage import Store
from olist_assets.core.tables import NAMESPACES

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog

SQL = "sql"
GLUE = "glue"
CATALOG_FILE = "catalog.db"
CATALOG_NAME = "olist"
DEFAULT_GLUE_DATABASES = {namespace: f"olist_lakehouse_{namespace}" for namespace in NAMESPACES}
SQLITE_BUSY_SECONDS = 60


class CatalogConfigError(ValueError):
    """A catalog setting that cannot work with the lake it is given for."""


@dataclass(frozen=True)
class CatalogConfig:
    """Where a lake's tables are catalogued: `kind` is `sql` or `glue`.

    `databases` maps the namespaces (clean, quarantine, business) to the catalog's own names (Glue
    database names in production; the namespaces themselves in a SQL catalog). `endpoint` and
    `region` reach AWS (or a moto server); None leaves them to the AWS SDK's defaults.
    """

    lake_url: str
    kind: str
    uri: str | None = None
    databases: dict[str, str] = field(default_factory=lambda: {n: n for n in NAMESPACES})
    endpoint: str | None = None
    region: str | None = None

    @property
    def warehouse(self) -> str:
        """The lake root as a URI: `file:///abs/path` or `s3://bucket/prefix`."""
        if self.lake_url.startswith("s3://"):
            return self.lake_url.rstrip("/")
        return Path(self.lake_url).resolve().as_uri()

    def location(self, namespace: str, table: str) -> str:
        """Where one table's data/ and metadata/ live: `<lake>/<namespace>/<table>`."""
        return f"{self.warehouse}/{namespace}/{table}"

    def identifier(self, namespace: str, table: str) -> tuple[str, str]:
        return (self.databases[namespace], table)


def default_config(lake_url: str, kind: str | None = None, **overrides: object) -> CatalogConfig:
    """The catalog a lake uses unless told otherwise: SQL for a folder, Glue for `s3://`."""
    is_s3 = str(lake_url).startswith("s3://")
    kind = kind or (GLUE if is_s3 else SQL)
    if kind not in (SQL, GLUE):
        raise CatalogConfigError(f"unknown catalog {kind!r}: use {SQL!r} or {GLUE!r}")
    if kind == SQL and is_s3 and not overrides.get("uri"):
        raise CatalogConfigError(
            f"a SQL catalog for {lake_url} needs a catalog URI (set OLIST_CATALOG_URI), "
            f"or use the {GLUE!r} catalog"
        )
    databases = DEFAULT_GLUE_DATABASES if kind == GLUE else {n: n for n in NAMESPACES}
    values = {"databases": dict(databases)} | {k: v for k, v in overrides.items() if v}
    return CatalogConfig(lake_url=str(lake_url), kind=kind, **values)


@retry(
    retry=retry_if_exception(lambda error: _lost_creation_race(str(error))),
    stop=stop_after_attempt(5),
    wait=wait_random(0.01, 0.2),
    reraise=True,
)
def open_catalog(config: CatalogConfig) -> Catalog:
    """The pyiceberg catalog of a config, with its namespaces created when missing.

    Existing namespaces are only looked up: in production Terraform creates the Glue databases and
    the functions' roles may read them (glue:GetDatabase) but not create them; a laptop working on
    an s3:// lake gets them created. Several processes may open a new lake at once: losing the race
    to create the SQL catalog's tables or a namespace ("already exists") is retried.
    """
    if config.kind == GLUE:
        from pyiceberg.catalog.glue import GlueCatalog

        catalog = GlueCatalog(CATALOG_NAME, **_aws_properties(config, glue=True))
    else:
        catalog = _sql_catalog(config)
    for database in config.databases.values():
        if not catalog.namespace_exists(database):
            catalog.create_namespace_if_not_exists(database)
    return catalog


def _lost_creation_race(message: str) -> bool:
    """Whether an error says another process created the same catalog table or namespace first."""
    return "already exists" in message or "UNIQUE constraint failed" in message


def _sql_catalog(config: CatalogConfig) -> Catalog:
    from pyiceberg.catalog.sql import SqlCatalog

    uri = config.uri
    if uri is None:
        folder = Path(config.lake_url).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{folder / CATALOG_FILE}?timeout={SQLITE_BUSY_SECONDS}"
    return SqlCatalog(CATALOG_NAME, uri=uri, **_aws_properties(config))


def _aws_properties(config: CatalogConfig, glue: bool = False) -> dict[str, str]:
    """Endpoint and region for S3 (and Glue) when set; credentials come from the AWS defaults."""
    properties = {"warehouse": config.warehouse}
    if config.endpoint:
        properties["s3.endpoint"] = config.endpoint
        if glue:
            properties["glue.endpoint"] = config.endpoint
    if config.region:
        properties["s3.region"] = config.region
        if glue:
            properties["glue.region"] = config.region
    return properties


METADATA_FILE = re.compile(r"(?P<version>\d+)-[0-9a-f-]+\.metadata\.json")


def rebuild_sql_catalog(config: CatalogConfig, store: Store) -> list[str]:
    """Register every table found in the lake into a (new) SQL catalog; returns what it registered.

    The newest metadata file of each table folder (highest version number) becomes its current
    metadata; tables the catalog already knows are left as they are.
    """
    if config.kind != SQL:
        raise CatalogConfigError("only a SQL catalog is rebuilt from metadata files")
    catalog = open_catalog(config)
    registered = []
    for namespace, database in config.databases.items():
        newest: dict[str, tuple[int, str]] = {}
        for info in store.list(f"{namespace}/"):
            key = info.key
            parts = key.split("/")
            found = METADATA_FILE.fullmatch(parts[-1]) if len(parts) == 4 else None
            if found and parts[2] == "metadata":
                version = int(found.group("version"))
                if version >= newest.get(parts[1], (-1, ""))[0]:
                    newest[parts[1]] = (version, key)
        for table, (_, key) in sorted(newest.items()):
            location = f"{config.warehouse}/{key}"
            if not catalog.table_exists((database, table)):
                catalog.register_table((database, table), location)
                registered.append(f"{namespace}.{table}")
    return registered
