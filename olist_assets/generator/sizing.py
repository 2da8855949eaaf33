"""How many rows each table gets at a scale, and how many rows carry each rare quirk."""

from __future__ import annotations

from olist_assets.core.contracts import CONTRACTS

# Rows of each real file: scale 1 reproduces them exactly.
REAL_ROWS: dict[str, int] = {
    "customers": 99_441,
    "geolocation": 1_000_163,
    "orders": 99_441,
    "order_items": 112_650,
    "order_payments": 103_886,
    "order_reviews": 99_224,
    "products": 32_951,
    "sellers": 3_095,
    "product_category_translation": 71,
}
FIXED_SIZE_TABLES = frozenset({"product_category_translation"})
MIN_SCALE = 0.001
MAX_SCALE = 50  # about 6 GB of CSV; generating takes about 0.2 GB of memory + 0.13 GB per unit
MIN_ROWS = 5


def row_counts(scale: float) -> dict[str, int]:
    """Rows per table (by table name) at a scale: the real counts scaled, the translation fixed."""
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between {MIN_SCALE} and {MAX_SCALE}, got {scale}")
    counts = {
        table: rows if table in FIXED_SIZE_TABLES else max(MIN_ROWS, round(rows * scale))
        for table, rows in REAL_ROWS.items()
    }
    counts["customers"] = counts["orders"]
    return counts


def file_row_counts(scale: float) -> dict[str, int]:
    """Rows per file name at a scale: what generate_dataset returns."""
    return {CONTRACTS[table].file_name: rows for table, rows in row_counts(scale).items()}


def quirk_count(rows_at_scale_1: int, scale: float) -> int:
    """Rows showing a rare quirk: its real count scaled, never fewer than one so every quirk shows."""
    return max(1, round(rows_at_scale_1 * scale))
