"""The catalogue side: sellers, their products and the category translation."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import PRODUCT_CATEGORY_TRANSLATION, PRODUCTS, SELLERS
from olist_assets.generator.places import Places, city_names, city_states
from olist_assets.generator.random_values import hex_ids, spread, weighted_choice
from olist_assets.generator.sizing import quirk_count
from olist_assets.generator.vocabulary import (
    CATEGORIES,
    MESSY_SELLER_CITIES,
    MESSY_SELLER_CITIES_AT_SCALE_1,
    PHOTOS_PER_PRODUCT,
)

UNCATEGORISED_AT_SCALE_1 = 610
UNMEASURED_AT_SCALE_1 = 2
WEIGHTLESS_AT_SCALE_1 = 4
MESSY_SELLERS_MINIMUM = 4
MINIMUM_BOX_SHARE = 0.15
ROUNDED_WEIGHT_SHARE = 0.4


@dataclass(frozen=True)
class Catalog:
    """Sellers and products, with what orders need: who sells what, popularity, price, weight."""

    seller_ids: pa.Array
    product_ids: pa.Array
    product_seller: np.ndarray
    product_popularity: np.ndarray
    product_price_cents: np.ndarray
    product_weight_g: np.ndarray
    sellers: pa.Table
    products: pa.Table


def translation_table() -> pa.Table:
    """The 71 translated categories; two categories products use are missing, as in the real file."""
    translated = [c for c in CATEGORIES if c.english is not None]
    return pa.Table.from_arrays(
        [pa.array([c.name for c in translated]), pa.array([c.english for c in translated])],
        schema=PRODUCT_CATEGORY_TRANSLATION.arrow_schema,
    )


def build_catalog(
    rng: np.random.Generator, places: Places, sellers: int, products: int, scale: float
) -> Catalog:
    """Sellers spread like the real ones (a third with a leading-zero zip) and their products."""
    seller_zip = weighted_choice(rng, sellers, places.seller_weight)
    seller_ids = hex_ids(rng, sellers)
    seller_table = _sellers_table(rng, places, seller_ids, seller_zip, scale)
    seller_popularity = spread(rng, sellers, 1.0, 1.5)
    owner = np.concatenate(
        [np.arange(sellers), weighted_choice(rng, products - sellers, seller_popularity)]
    )
    product_seller = rng.permutation(owner)
    columns = _product_columns(rng, products, scale)
    product_ids = hex_ids(rng, products)
    return Catalog(
        seller_ids=seller_ids,
        product_ids=product_ids,
        product_seller=product_seller,
        product_popularity=spread(rng, products, 1.0, 1.2),
        product_price_cents=np.round(spread(rng, products, 7500, 0.95)).astype(np.int64) + 85,
        product_weight_g=np.nan_to_num(columns["product_weight_g"], nan=1000).astype(np.int64),
        sellers=seller_table,
        products=_products_table(product_ids, columns),
    )


def _sellers_table(
    rng: np.random.Generator, places: Places, ids: pa.Array, zips: np.ndarray, scale: float
) -> pa.Table:
    """Sellers' zip, city and state; a few cities typed by hand, each in its own city's zip."""
    zips = zips.copy()
    text = city_names()[places.city[zips]]
    messy = min(
        len(zips), max(MESSY_SELLERS_MINIMUM, quirk_count(MESSY_SELLER_CITIES_AT_SCALE_1, scale))
    )
    rows = rng.choice(len(zips), size=messy, replace=False)
    names = list(city_names())
    for row, quirk in zip(rows, itertools.cycle(MESSY_SELLER_CITIES)):
        candidates = np.flatnonzero(places.city == names.index(quirk.city))
        zips[row] = rng.choice(candidates)
        text[row] = quirk.text
    return pa.Table.from_arrays(
        [
            ids,
            places.zip_text(zips),
            pa.array(text, pa.string()),
            pa.array(city_states()[places.city[zips]], pa.string()),
        ],
        schema=SELLERS.arrow_schema,
    )


def _category_column(rng: np.random.Generator, categorised: int) -> np.ndarray:
    """Categories by their real frequency; every category (the two untranslated first) appears."""
    names = np.array([c.name for c in CATEGORIES], dtype=object)
    untranslated = np.array([c.english is None for c in CATEGORIES])
    guaranteed = np.concatenate([names[untranslated], names[~untranslated]])[:categorised]
    weights = np.array([c.products for c in CATEGORIES], dtype=float)
    drawn = names[weighted_choice(rng, categorised - len(guaranteed), weights)]
    return rng.permutation(np.concatenate([guaranteed, drawn]))


def _product_columns(rng: np.random.Generator, n: int, scale: float) -> dict[str, np.ndarray]:
    """Product attributes by source column name; NaN/None where the real file has empty fields."""
    uncategorised = quirk_count(UNCATEGORISED_AT_SCALE_1, scale)
    photos = np.array(list(PHOTOS_PER_PRODUCT))
    columns = {
        "product_category_name": np.concatenate(
            [_category_column(rng, n - uncategorised), np.full(uncategorised, None)]
        ),
        "product_name_lenght": np.clip(np.round(rng.normal(49, 10, n)), 5, 76),
        "product_description_lenght": np.clip(np.round(spread(rng, n, 595, 0.75)), 4, 3992),
        "product_photos_qty": photos[
            weighted_choice(rng, n, np.array(list(PHOTOS_PER_PRODUCT.values())))
        ],
        "product_weight_g": _weights(rng, n),
        "product_length_cm": _dimension(rng, n, 25, 0.45, 16, (7, 105)),
        "product_height_cm": _dimension(rng, n, 13, 0.75, 2, (2, 105)),
        "product_width_cm": _dimension(rng, n, 20, 0.45, 11, (6, 118)),
    }
    columns = {
        name: values.astype(object if name == "product_category_name" else float)
        for name, values in columns.items()
    }
    for name in ("product_name_lenght", "product_description_lenght", "product_photos_qty"):
        columns[name][n - uncategorised :] = np.nan
    _add_measure_quirks(columns, n - uncategorised, scale)
    order = rng.permutation(n)
    return {name: values[order] for name, values in columns.items()}


def _weights(rng: np.random.Generator, n: int) -> np.ndarray:
    """Grams, often rounded to 50 g as sellers type them."""
    grams = np.clip(np.round(spread(rng, n, 700, 1.25)), 2, 40_425)
    rounded = rng.random(n) < ROUNDED_WEIGHT_SHARE
    return np.where(rounded & (grams > 100), np.round(grams / 50) * 50, grams)


def _dimension(
    rng: np.random.Generator, n: int, median: float, sigma: float, box: int, bounds: tuple[int, int]
) -> np.ndarray:
    """Centimetres, with the carrier's minimum box size standing in for many small items."""
    size = np.clip(np.round(spread(rng, n, median, sigma)), *bounds)
    return np.where(rng.random(n) < MINIMUM_BOX_SHARE, box, size)


def _add_measure_quirks(columns: dict[str, np.ndarray], categorised: int, scale: float) -> None:
    """Products without weight nor dimensions (one categorised, one not) and weightless towels."""
    measures = ["product_weight_g", "product_length_cm", "product_height_cm", "product_width_cm"]
    unmeasured = [0, len(columns["product_weight_g"]) - 1][
        : quirk_count(UNMEASURED_AT_SCALE_1, scale)
    ]
    for name in measures:
        columns[name][unmeasured] = np.nan
    towels = np.flatnonzero(columns["product_category_name"][:categorised] == "cama_mesa_banho")
    weightless = towels[towels > 0][: quirk_count(WEIGHTLESS_AT_SCALE_1, scale)]
    for name, value in zip(measures, (0, 30, 25, 30), strict=True):
        columns[name][weightless] = value


def _products_table(ids: pa.Array, columns: dict[str, np.ndarray]) -> pa.Table:
    arrays = [ids]
    for column in PRODUCTS.columns[1:]:
        values = columns[column.source_name]
        if column.source_name == "product_category_name":
            arrays.append(pa.array(values, pa.string()))
        else:
            missing = np.isnan(values)
            arrays.append(
                pa.array(np.nan_to_num(values).astype(np.int32), column.type, mask=missing)
            )
    return pa.Table.from_arrays(arrays, schema=PRODUCTS.arrow_schema)
