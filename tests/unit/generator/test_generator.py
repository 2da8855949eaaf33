"""The embedded dataset generator: real shape and bytes, counts per scale, determinism, integrity,
every real quirk, realistic distributions, and a clean pass through the cleaning layer."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from olist_assets.core import lake
from olist_assets.core.checks.clean import all_clean_checks
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS, TableContract
from olist_assets.generator.dataset import generate_dataset
from olist_assets.generator.sizing import file_row_counts, row_counts
from olist_assets.stores.local import LocalStore

SMALL, MEDIUM, SEED = 0.01, 0.1, 7
REAL_COUNTS = {
    "olist_orders_dataset.csv": 99_441,
    "olist_order_items_dataset.csv": 112_650,
    "olist_order_payments_dataset.csv": 103_886,
    "olist_order_reviews_dataset.csv": 99_224,
    "olist_customers_dataset.csv": 99_441,
    "olist_products_dataset.csv": 32_951,
    "olist_sellers_dataset.csv": 3_095,
    "olist_geolocation_dataset.csv": 1_000_163,
    "product_category_name_translation.csv": 71,
}
UNTRANSLATED = {"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    generate_dataset(folder, scale=SMALL, seed=SEED)
    return folder


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("medium")
    generate_dataset(folder, scale=MEDIUM, seed=SEED)
    return folder


@cache
def frame(folder: Path, table: str) -> pd.DataFrame:
    """A generated file as strings, empty fields as ''."""
    path = folder / CONTRACTS[table].file_name
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def timestamps(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d %H:%M:%S")


def cents(values: pd.Series) -> pd.Series:
    return (values.astype(float) * 100).round().astype("int64")


def fields_with_quoting(text: str) -> list[list[tuple[str, bool]]]:
    """Records of (value, was it quoted) from CSV text: an oracle independent of the writer."""
    records, record, i = [], [], 0
    while i < len(text):
        if text[i] == '"':
            end = i + 1
            while (end := text.index('"', end)) + 1 < len(text) and text[end + 1] == '"':
                end += 2
            record.append((text[i + 1 : end].replace('""', '"'), True))
            i = end + 1
        else:
            match = re.compile(r"[^,\n]*").match(text, i)
            record.append((match.group(), False))
            i = match.end()
        if i < len(text) and text[i] == "\n":
            records.append(record)
            record = []
        i += 1
    return records + ([record] if record else [])


def should_quote(contract: TableContract, column: str, value: str) -> bool:
    """The real files' rule: forced columns always; strings starting with a digit (in files that
    force none); anything holding a comma, quote or line break."""
    if column in contract.always_quoted:
        return True
    special = any(c in value for c in ',"\r\n')
    string = pa.types.is_string(next(c for c in contract.columns if c.source_name == column).type)
    leading_digit = string and not contract.always_quoted and value[:1].isdigit()
    return special or leading_digit


def quoting_mismatches(contract: TableContract, text: str) -> list[tuple[str, str, bool]]:
    records = fields_with_quoting(text)[1:]
    return [
        (column.source_name, value, quoted)
        for record in records
        for column, (value, quoted) in zip(contract.columns, record, strict=True)
        if quoted != should_quote(contract, column.source_name, value)
    ]


# --- shape and serialization --------------------------------------------------------------------


@pytest.mark.parametrize("table", list(CONTRACTS))
def test_header_bytes_equal_the_real_files(real_dir: Path, small: Path, table: str):
    name = CONTRACTS[table].file_name
    real = (
        real_dir / "full" / name
        if (real_dir / "full" / name).exists()
        else real_dir / "heads" / name
    )
    assert (small / name).read_bytes().split(b"\n")[0] == real.read_bytes().split(b"\n")[0]


def test_translation_file_has_the_real_bom_crlf_and_no_final_newline(real_dir: Path, small: Path):
    name = CONTRACTS["product_category_translation"].file_name
    real, generated = (real_dir / "full" / name).read_bytes(), (small / name).read_bytes()
    assert generated.startswith(b"\xef\xbb\xbf") and real.startswith(b"\xef\xbb\xbf")
    assert generated.count(b"\r\n") == generated.count(b"\n") == real.count(b"\r\n") == 71
    assert not generated.endswith(b"\n") and not real.endswith(b"\n")
    assert set(generated.decode("utf-8-sig").split("\r\n")) == set(
        real.decode("utf-8-sig").split("\r\n")
    )


@pytest.mark.parametrize("table", [t for t in CONTRACTS if t != "product_category_translation"])
def test_quoting_oracle_matches_the_real_heads(real_dir: Path, table: str):
    contract = CONTRACTS[table]
    text = (real_dir / "heads" / contract.file_name).read_text(encoding="utf-8")
    complete = text[: text.rfind("\n") + 1]
    assert quoting_mismatches(contract, complete) == []


@pytest.mark.parametrize("table", list(CONTRACTS))
def test_generated_files_follow_the_real_quoting_rule(small: Path, table: str):
    contract = CONTRACTS[table]
    text = (small / contract.file_name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert quoting_mismatches(contract, text + ("" if text.endswith("\n") else "\n")) == []


def test_ids_are_quoted_only_when_they_start_with_a_digit(small: Path):
    lines = (small / CONTRACTS["orders"].file_name).read_text().splitlines()[1:]
    quoted = [line.startswith('"') for line in lines]
    assert 0.5 < sum(quoted) / len(quoted) < 0.75
    assert all(line[1].isdigit() for line in lines if line.startswith('"'))


def test_money_has_two_decimals_and_timestamps_whole_seconds(small: Path):
    items = frame(small, "order_items")
    assert items.price.str.fullmatch(r"\d+\.\d\d").all()
    assert items.freight_value.str.fullmatch(r"\d+\.\d\d").all()
    assert items.shipping_limit_date.str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()


def test_empty_values_are_empty_fields(small: Path):
    text = (small / CONTRACTS["orders"].file_name).read_text()
    assert ",,," in text
    assert not re.search(r"(?i),(nan|null|none|nat),", text)


# --- counts, determinism ------------------------------------------------------------------------


def test_scale_0_01_writes_the_scaled_counts(tmp_path: Path):
    reported = []
    written = generate_dataset(
        tmp_path, scale=SMALL, seed=SEED, progress=lambda f, n: reported.append((f, n))
    )
    assert written == file_row_counts(SMALL) == dict(reported)
    for name, rows in written.items():
        assert len(pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)) == rows
    assert written["olist_orders_dataset.csv"] == 994
    assert written["product_category_name_translation.csv"] == 71


def test_scale_1_counts_are_the_real_counts():
    assert file_row_counts(1.0) == REAL_COUNTS


def test_scale_1_generation_writes_exactly_the_real_counts(tmp_path: Path):
    assert generate_dataset(tmp_path, scale=1.0, seed=SEED) == REAL_COUNTS


def test_tiny_scales_keep_a_handful_of_rows_and_too_small_ones_are_refused():
    assert min(row_counts(0.001).values()) >= 5
    with pytest.raises(ValueError, match="scale"):
        row_counts(0.0001)


def test_same_seed_gives_identical_bytes(small: Path, tmp_path: Path):
    generate_dataset(tmp_path, scale=SMALL, seed=SEED)
    for contract in CONTRACTS.values():
        assert (tmp_path / contract.file_name).read_bytes() == (
            small / contract.file_name
        ).read_bytes()


def test_a_different_seed_gives_different_files(small: Path, tmp_path: Path):
    generate_dataset(tmp_path, scale=SMALL, seed=SEED + 1)
    changed = [
        c.file_name
        for c in CONTRACTS.values()
        if _digest(tmp_path / c.file_name) != _digest(small / c.file_name)
    ]
    assert changed == [
        c.file_name for c in CONTRACTS.values() if c.name != "product_category_translation"
    ]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- referential integrity ----------------------------------------------------------------------


def test_items_reference_existing_orders_products_and_sellers(small: Path):
    items = frame(small, "order_items")
    assert items.order_id.isin(frame(small, "orders").order_id).all()
    assert items.product_id.isin(frame(small, "products").product_id).all()
    assert items.seller_id.isin(frame(small, "sellers").seller_id).all()


def test_every_product_and_seller_has_sold(small: Path):
    items = frame(small, "order_items")
    assert set(frame(small, "products").product_id) == set(items.product_id)
    assert set(frame(small, "sellers").seller_id) == set(items.seller_id)


def test_each_order_has_its_own_customer_id(small: Path):
    orders, customers = frame(small, "orders"), frame(small, "customers")
    assert sorted(orders.customer_id) == sorted(customers.customer_id)
    assert orders.customer_id.is_unique


def test_repeat_customers_share_a_customer_unique_id(medium: Path):
    customers = frame(medium, "customers")
    people = customers.customer_unique_id.nunique()
    assert 0.95 < people / len(customers) < 0.98
    repeat = customers[customers.customer_unique_id.duplicated(keep=False)]
    assert (repeat.groupby("customer_unique_id").customer_state.nunique() == 1).all()


def test_payments_and_reviews_reference_orders(small: Path):
    orders = frame(small, "orders").order_id
    assert frame(small, "order_payments").order_id.isin(orders).all()
    assert frame(small, "order_reviews").order_id.isin(orders).all()


def test_payments_sum_to_the_items_total_except_the_real_exceptions(medium: Path):
    items, payments = frame(medium, "order_items"), frame(medium, "order_payments")
    orders = frame(medium, "orders")
    owed = (cents(items.price) + cents(items.freight_value)).groupby(items.order_id).sum()
    paid = cents(payments.payment_value).groupby(payments.order_id).sum()
    assert len(set(orders.order_id) - set(payments.order_id)) == 1
    unpaid = set(owed.index) - set(paid.index)
    assert len(unpaid) == 1
    common = owed.index.intersection(paid.index)
    assert (owed[common] == paid[common]).all()
    without_items = set(orders.order_id) - set(items.order_id)
    statuses = set(orders[orders.order_id.isin(without_items)].order_status)
    assert statuses <= {"unavailable", "canceled", "created"} and "unavailable" in statuses
    assert without_items & set(payments.order_id)


# --- quirks -------------------------------------------------------------------------------------


def test_quirk_two_categories_missing_from_the_translation(small: Path):
    used = set(frame(small, "products").product_category_name) - {""}
    translated = set(frame(small, "product_category_translation").product_category_name)
    assert used - translated == UNTRANSLATED
    assert len(translated) == 71 and len(used) == 73


def test_quirk_review_id_shared_by_several_orders(small: Path):
    reviews = frame(small, "order_reviews")
    shared = reviews.groupby("review_id").order_id.nunique()
    assert (shared > 1).any()
    assert not reviews.duplicated(["review_id", "order_id"]).any()


def test_quirk_orders_with_several_reviews(small: Path):
    reviews = frame(small, "order_reviews")
    assert (reviews.groupby("order_id").review_id.nunique() > 1).any()


def test_quirk_exact_duplicate_geolocation_rows(small: Path):
    geolocation = frame(small, "geolocation")
    assert 0.2 < geolocation.duplicated().mean() < 0.3


def test_quirk_uncategorised_products_have_no_name_description_nor_photos(medium: Path):
    products = frame(medium, "products")
    blank = products[products.product_category_name == ""]
    assert len(blank) == round(610 * MEDIUM)
    for column in ("product_name_lenght", "product_description_lenght", "product_photos_qty"):
        assert (blank[column] == "").all()
        assert (products.loc[products.product_category_name != "", column] != "").all()


def test_quirk_products_without_measures_and_with_zero_weight(small: Path):
    products = frame(small, "products")
    measures = ["product_weight_g", "product_length_cm", "product_height_cm", "product_width_cm"]
    unmeasured = products[products.product_weight_g == ""]
    assert len(unmeasured) >= 1 and (unmeasured[measures] == "").all().all()
    assert (products.product_weight_g == "0").sum() >= 1


def test_quirk_zero_payments_zero_installments_and_undefined_type(small: Path):
    payments = frame(small, "order_payments")
    assert (payments.payment_value == "0.00").any()
    assert (payments.payment_installments == "0").any()
    assert (payments[payments.payment_type == "not_defined"].payment_value == "0.00").all()
    assert (payments.payment_type == "not_defined").any()
    assert payments.groupby("order_id").payment_sequential.count().max() > 2


def test_quirk_missing_timestamps_follow_the_status(small: Path):
    orders = frame(small, "orders")
    missing = orders.iloc[:, 4:7] == ""
    by_status = missing.groupby(orders.order_status).all()
    assert not missing[orders.order_status == "delivered"].any().any()
    assert by_status.loc["created"].all()
    assert by_status.loc["shipped"].tolist() == [False, False, True]
    for status in ("invoiced", "processing", "approved", "unavailable"):
        assert by_status.loc[status].tolist() == [False, True, True]


def test_quirk_carrier_date_before_approval(small: Path):
    orders = frame(small, "orders")
    carrier = timestamps(orders.order_delivered_carrier_date)
    assert (carrier < timestamps(orders.order_approved_at)).any()
    assert (carrier < timestamps(orders.order_purchase_timestamp)).any()


def test_quirk_messy_seller_cities(small: Path):
    cities = set(frame(small, "sellers").seller_city)
    assert {"04482255", "sbc/sp", "rio de janeiro \\rio de janeiro"} <= cities
    assert "novo hamburgo, rio grande do sul, brasil" in cities
    text = (small / CONTRACTS["sellers"].file_name).read_text()
    assert '"04482255"' in text and '"novo hamburgo, rio grande do sul, brasil"' in text


def test_quirk_review_comments_with_commas_escaped_quotes_and_newlines(medium: Path):
    reviews = frame(medium, "order_reviews")
    messages = reviews.review_comment_message
    assert 0.3 < (messages != "").mean() < 0.5
    assert messages.str.contains(",").any() and messages.str.contains("\n").any()
    assert messages.str.contains('"').any()
    text = (medium / CONTRACTS["order_reviews"].file_name).read_text()
    assert '""' in text


def test_quirk_geolocation_coordinates_up_to_17_significant_digits(small: Path):
    geolocation = frame(small, "geolocation")
    digits = (
        geolocation.geolocation_lat.str.replace(r"[-.]", "", regex=True).str.lstrip("0").str.len()
    )
    assert digits.max() == 17 and digits.min() >= 1


def test_quirk_zip_prefixes_keep_leading_zeros(medium: Path):
    sellers = frame(medium, "sellers")
    assert sellers.seller_zip_code_prefix.str.fullmatch(r"\d{5}").all()
    assert 0.25 < sellers.seller_zip_code_prefix.str.startswith("0").mean() < 0.42


def test_quirk_accented_and_plain_city_spellings_side_by_side(small: Path):
    cities = set(frame(small, "geolocation").geolocation_city)
    assert {"sao paulo", "são paulo"} <= cities


# --- distributions ------------------------------------------------------------------------------


def test_orders_are_mostly_delivered_with_every_status_present(medium: Path):
    statuses = frame(medium, "orders").order_status.value_counts(normalize=True)
    assert 0.96 < statuses["delivered"] < 0.98
    assert set(statuses.index) == {
        "delivered", "shipped", "canceled", "unavailable", "invoiced", "processing", "created", "approved"
    }  # fmt: skip


def test_payment_types_follow_the_real_shares(medium: Path):
    shares = frame(medium, "order_payments").payment_type.value_counts(normalize=True)
    assert 0.71 < shares["credit_card"] < 0.77
    assert 0.17 < shares["boleto"] < 0.21
    assert 0.04 < shares["voucher"] < 0.07
    assert 0.008 < shares["debit_card"] < 0.025


def test_credit_card_installments_run_from_1_to_24(medium: Path):
    payments = frame(medium, "order_payments")
    card = payments[payments.payment_type == "credit_card"].payment_installments.astype(int)
    assert card[card > 0].between(1, 24).all() and card.max() > 10
    other = payments[payments.payment_type != "credit_card"].payment_installments
    assert (other == "1").all()


def test_review_scores_are_skewed_to_five(medium: Path):
    scores = frame(medium, "order_reviews").review_score.value_counts(normalize=True)
    assert scores.idxmax() == "5" and 0.5 < scores["5"] < 0.65
    assert scores["1"] > scores["2"] and scores["4"] > scores["3"]


def test_about_eight_percent_of_deliveries_are_late_against_midnight_estimates(medium: Path):
    orders = frame(medium, "orders")
    estimated = timestamps(orders.order_estimated_delivery_date)
    assert (estimated == estimated.dt.normalize()).all()
    delivered = timestamps(orders.order_delivered_customer_date)
    known = delivered.notna()
    late = delivered[known].dt.normalize() > estimated[known]
    assert 0.06 < late.mean() < 0.10


def test_purchases_span_2016_09_to_2018_10_and_grow(medium: Path):
    purchased = timestamps(frame(medium, "orders").order_purchase_timestamp)
    assert purchased.min() >= pd.Timestamp("2016-09-01") and purchased.max() < pd.Timestamp(
        "2018-11-01"
    )
    per_year = purchased.dt.year.value_counts()
    assert per_year[2016] < per_year[2017] < per_year[2018] * 1.2


# --- cleaning -----------------------------------------------------------------------------------


def test_generated_files_clean_without_quarantine_and_pass_the_checks(
    small: Path, store: LocalStore, tables
):
    for contract in CONTRACTS.values():
        store.put_file(lake.raw_key(contract.file_name), small / contract.file_name)
        [batch] = refresh_table(store, tables, contract).landed
        assert batch.rows_quarantined == 0, contract.name
        assert batch.rows_clean + batch.rows_duplicate == batch.rows_read
    outcomes = all_clean_checks(tables)
    failed = {(o.table, o.name): o for o in outcomes if not o.passed}
    assert sorted(failed) == [
        ("orders", "timestamps_in_order"),
        ("products", "fk_product_category_name__product_category_translation"),
    ]
    # the real files' quirk, reproduced: a few carrier dates before the purchase, nothing worse
    out_of_order = failed["orders", "timestamps_in_order"].metadata["out_of_order"]
    assert {rule for rule, count in out_of_order.items() if count} == {
        "order_delivered_carrier_date < order_purchase_timestamp"
    }
    assert not any(o.failed_blocking for o in outcomes)
