"""Table contracts: the one definition of each Olist table.

Each contract drives the CSV reader (source names, parse rules), the Parquet schema (Arrow types),
the Dagster TableSchema, the data-quality checks (keys) and the Athena/Glue DDL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

MONEY = pa.decimal128(12, 2)
TIMESTAMP = pa.timestamp("us")  # Iceberg timestamps are microseconds

BRAZIL_STATES = frozenset(
    [
        "AC",
        "AL",
        "AM",
        "AP",
        "BA",
        "CE",
        "DF",
        "ES",
        "GO",
        "MA",
        "MG",
        "MS",
        "MT",
        "PA",
        "PB",
        "PE",
        "PI",
        "PR",
        "RJ",
        "RN",
        "RO",
        "RR",
        "RS",
        "SC",
        "SE",
        "SP",
        "TO",
    ]
)
ORDER_STATUSES = frozenset(
    [
        "delivered",
        "shipped",
        "canceled",
        "unavailable",
        "invoiced",
        "processing",
        "created",
        "approved",
    ]
)
PAYMENT_TYPES = frozenset(["credit_card", "boleto", "voucher", "debit_card", "not_defined"])


@dataclass(frozen=True)
class Column:
    """One column: its name in the source file, its clean name, type and parse rules."""

    source_name: str
    type: pa.DataType
    nullable: bool = False
    name: str = ""
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    allowed: frozenset[str] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.source_name)

    @property
    def athena_type(self) -> str:
        """The Athena (Hive DDL) type for this column."""
        return athena_type(self.type)


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this table that reference another table's key."""

    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]
    blocking: bool = True
    known_orphans: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TableContract:
    """The contract of one Olist table."""

    name: str
    file_name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    description: str = ""
    header_quoted: bool = True
    always_quoted: frozenset[str] = field(default_factory=frozenset)
    partition_month: str | None = None
    """A timestamp column whose month partitions the table's files, so a drop restating recent
    keys rewrites only the files of recent months (None: one file per batch is locality enough)."""
    # (earlier, later) timestamp columns: a row whose later one precedes the earlier one is out of
    # order (checked, a warning: the real files hold a few such rows).
    chronology: tuple[tuple[str, str], ...] = ()

    @property
    def source_columns(self) -> list[str]:
        return [c.source_name for c in self.columns]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def key_columns(self) -> tuple[str, ...]:
        """Columns that identify a row; a table without a key is identified by all its columns."""
        return self.primary_key or tuple(self.column_names)

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns],
            metadata={"olist.table": self.name},
        )

    @property
    def file_stem(self) -> str:
        return self.file_name.removesuffix(".csv")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def file_date(self, file_name: str) -> str | None:
        """'' for this table's file, the date of a dated drop, None for any other name.

        A dated drop is `<stem>_<date>.csv` or `<stem>-<date>.csv` with an ISO date (YYYY-MM or
        YYYY-MM-DD) that exists; names are compared exactly (letter case included).
        """
        if file_name == self.file_name:
            return ""
        dated = re.fullmatch(rf"{re.escape(self.file_stem)}[_-](?P<date>.+)\.csv", file_name)
        if dated and is_iso_date(dated.group("date")):
            return dated.group("date")
        return None


def athena_type(arrow_type: pa.DataType) -> str:
    """Map an Arrow type of the contracts to its Athena DDL type."""
    if pa.types.is_string(arrow_type):
        return "string"
    if pa.types.is_int32(arrow_type):
        return "int"
    if pa.types.is_int64(arrow_type):
        return "bigint"
    if pa.types.is_float64(arrow_type):
        return "double"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    raise ValueError(f"no Athena type for {arrow_type}")


ID = r"[0-9a-f]{32}"
ZIP = r"\d{5}"


def _id(name: str, description: str = "") -> Column:
    return Column(name, pa.string(), pattern=ID, description=description)


def _zip(name: str) -> Column:
    return Column(
        name, pa.string(), pattern=ZIP, description="5-digit zip prefix, leading zeros kept"
    )


def _state(name: str) -> Column:
    return Column(name, pa.string(), allowed=BRAZIL_STATES, description="Brazilian state (UF)")


def _count(name: str, clean_name: str = "", minimum: float = 0) -> Column:
    return Column(name, pa.int32(), nullable=True, name=clean_name, minimum=minimum)


def _money(name: str) -> Column:
    return Column(name, MONEY, minimum=0, description="BRL, exact decimal")


def _ts(name: str, nullable: bool = False) -> Column:
    return Column(name, TIMESTAMP, nullable=nullable, description="local time, no time zone")


CUSTOMERS = TableContract(
    name="customers",
    file_name="olist_customers_dataset.csv",
    description="One row per order's customer id; customer_unique_id identifies the person.",
    columns=(
        _id("customer_id", "one per order"),
        _id("customer_unique_id", "the person"),
        _zip("customer_zip_code_prefix"),
        Column("customer_city", pa.string()),
        _state("customer_state"),
    ),
    primary_key=("customer_id",),
)

GEOLOCATION = TableContract(
    name="geolocation",
    file_name="olist_geolocation_dataset.csv",
    description="Points per zip prefix; exact duplicate rows are dropped.",
    columns=(
        _zip("geolocation_zip_code_prefix"),
        Column("geolocation_lat", pa.float64(), minimum=-90, maximum=90),
        Column("geolocation_lng", pa.float64(), minimum=-180, maximum=180),
        Column("geolocation_city", pa.string()),
        _state("geolocation_state"),
    ),
    primary_key=(),
)

ORDERS = TableContract(
    name="orders",
    file_name="olist_orders_dataset.csv",
    description="One row per order with its status and lifecycle timestamps.",
    columns=(
        _id("order_id"),
        _id("customer_id"),
        Column("order_status", pa.string(), allowed=ORDER_STATUSES),
        _ts("order_purchase_timestamp"),
        _ts("order_approved_at", nullable=True),
        _ts("order_delivered_carrier_date", nullable=True),
        _ts("order_delivered_customer_date", nullable=True),
        _ts("order_estimated_delivery_date"),
    ),
    primary_key=("order_id",),
    foreign_keys=(ForeignKey(("customer_id",), "customers", ("customer_id",)),),
    partition_month="order_purchase_timestamp",
    chronology=(
        ("order_purchase_timestamp", "order_approved_at"),
        ("order_purchase_timestamp", "order_delivered_carrier_date"),
        ("order_purchase_timestamp", "order_delivered_customer_date"),
        ("order_delivered_carrier_date", "order_delivered_customer_date"),
    ),
)

ORDER_ITEMS = TableContract(
    name="order_items",
    file_name="olist_order_items_dataset.csv",
    description="One row per item of an order.",
    columns=(
        _id("order_id"),
        Column("order_item_id", pa.int32(), minimum=1),
        _id("product_id"),
        _id("seller_id"),
        _ts("shipping_limit_date"),
        _money("price"),
        _money("freight_value"),
    ),
    primary_key=("order_id", "order_item_id"),
    partition_month="shipping_limit_date",
    foreign_keys=(
        ForeignKey(("order_id",), "orders", ("order_id",)),
        ForeignKey(("product_id",), "products", ("product_id",)),
        ForeignKey(("seller_id",), "sellers", ("seller_id",)),
    ),
)

ORDER_PAYMENTS = TableContract(
    name="order_payments",
    file_name="olist_order_payments_dataset.csv",
    description="One row per payment of an order (several for vouchers and split payments).",
    columns=(
        _id("order_id"),
        Column("payment_sequential", pa.int32(), minimum=1),
        Column("payment_type", pa.string(), allowed=PAYMENT_TYPES),
        Column("payment_installments", pa.int32(), minimum=0),
        _money("payment_value"),
    ),
    primary_key=("order_id", "payment_sequential"),
    foreign_keys=(ForeignKey(("order_id",), "orders", ("order_id",)),),
)

ORDER_REVIEWS = TableContract(
    name="order_reviews",
    file_name="olist_order_reviews_dataset.csv",
    description="Customer reviews; a review_id can cover several orders.",
    columns=(
        _id("review_id"),
        _id("order_id"),
        Column("review_score", pa.int32(), minimum=1, maximum=5),
        Column("review_comment_title", pa.string(), nullable=True),
        Column("review_comment_message", pa.string(), nullable=True),
        _ts("review_creation_date"),
        _ts("review_answer_timestamp", nullable=True),
    ),
    primary_key=("review_id", "order_id"),
    foreign_keys=(ForeignKey(("order_id",), "orders", ("order_id",)),),
    partition_month="review_creation_date",
    always_quoted=frozenset({"review_id", "order_id"}),
    chronology=(("review_creation_date", "review_answer_timestamp"),),
)

PRODUCTS = TableContract(
    name="products",
    file_name="olist_products_dataset.csv",
    description="Product catalogue; the source misspells two length columns, fixed here.",
    columns=(
        _id("product_id"),
        Column("product_category_name", pa.string(), nullable=True),
        _count("product_name_lenght", "product_name_length"),
        _count("product_description_lenght", "product_description_length"),
        _count("product_photos_qty"),
        _count("product_weight_g"),
        _count("product_length_cm"),
        _count("product_height_cm"),
        _count("product_width_cm"),
    ),
    primary_key=("product_id",),
    foreign_keys=(
        ForeignKey(
            ("product_category_name",),
            "product_category_translation",
            ("product_category_name",),
            known_orphans=frozenset({"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"}),
        ),
    ),
)

SELLERS = TableContract(
    name="sellers",
    file_name="olist_sellers_dataset.csv",
    description="Sellers with their (messy) city and state.",
    columns=(
        _id("seller_id"),
        _zip("seller_zip_code_prefix"),
        Column("seller_city", pa.string()),
        _state("seller_state"),
    ),
    primary_key=("seller_id",),
)

PRODUCT_CATEGORY_TRANSLATION = TableContract(
    name="product_category_translation",
    file_name="product_category_name_translation.csv",
    description="Portuguese category name to English.",
    columns=(
        Column("product_category_name", pa.string()),
        Column("product_category_name_english", pa.string()),
    ),
    primary_key=("product_category_name",),
    header_quoted=False,
)

CONTRACTS: dict[str, TableContract] = {
    c.name: c
    for c in (
        CUSTOMERS,
        GEOLOCATION,
        ORDERS,
        ORDER_ITEMS,
        ORDER_PAYMENTS,
        ORDER_REVIEWS,
        PRODUCTS,
        SELLERS,
        PRODUCT_CATEGORY_TRANSLATION,
    )
}


class UnknownFileError(ValueError):
    """A file name that is not one of the Olist tables (nor a dated variant of one)."""


def contract_for_file(file_name: str) -> TableContract:
    """The contract whose file this is, from its base name; raises UnknownFileError otherwise."""
    for contract in CONTRACTS.values():
        if contract.file_date(file_name) is not None:
            return contract
    known = ", ".join(c.file_name for c in CONTRACTS.values())
    raise UnknownFileError(f"{file_name!r} is not an Olist file (expected one of {known})")


def is_iso_date(text: str) -> bool:
    """Whether text is a calendar month (YYYY-MM) or day (YYYY-MM-DD) that exists."""
    if not re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", text):
        return False
    try:
        date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        return False
    return True
