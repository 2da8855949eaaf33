"""Clean-layer checks: key uniqueness, reference coverage, row conservation, quarantine rate."""

from __future__ import annotations

import pytest
from pyiceberg.expressions import EqualTo

from olist_assets.core.checks.clean import (
    clean_checks,
    foreign_key_coverage,
    primary_key_unique,
    quarantine_rate,
    row_conservation,
    timestamps_in_order,
)
from olist_assets.core.checks.thresholds import (
    FOREIGN_KEY_FAIL_RATE,
    QUARANTINE_FAIL_RATE,
    quarantine_blocks,
)
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN, QUARANTINE

CUSTOMER_1 = "06b8999e2fba1a1fbc88172c00ba8bc7"
CUSTOMER_2 = "18955e83d337fd6b2def6b18a428ac77"
STRANGER = "4e7b3e00288586ebd08712fdd0374a03"
ORDERS = CONTRACTS["orders"]
PRODUCTS = CONTRACTS["products"]
SELLERS = CONTRACTS["sellers"]


def customer(customer_id: str) -> str:
    return f'"{customer_id}","861eff4711a542e4b93843c6dd7febb0","14409",franca,SP'


def order(n: int, customer_id: str) -> str:
    return f"{n:032x},{customer_id},delivered,2017-10-02 10:56:33,,,,2017-10-18 00:00:00"


def product(n: int, category: str) -> str:
    return f"{n:032x},{category},40,287,1,225,16,10,14"


def seller(n: int, zip_prefix: str = "13023") -> str:
    return f'{n:032x},"{zip_prefix}",campinas,SP'


@pytest.fixture
def clean(store, tables, land, olist_csv):
    """Land one file per table and refresh the table."""

    def build(table: str, *lines: str) -> None:
        land(CONTRACTS[table].file_name, olist_csv(table, *lines))
        refresh_table(store, tables, CONTRACTS[table])

    return build


def test_primary_key_check_passes_on_a_refreshed_table(tables, clean):
    clean("sellers", seller(1), seller(2), seller(2))

    outcome = primary_key_unique(tables, SELLERS)

    assert outcome.passed
    assert outcome.metadata == {"rows": 2, "duplicate_keys": 0}


def test_primary_key_check_fails_blocking_when_a_writer_bypassing_the_pipeline_repeats_keys(
    tables, clean
):
    clean("sellers", seller(1), seller(2))
    table = tables.load(CLEAN, "sellers")
    table.append(table.scan().to_arrow())

    outcome = primary_key_unique(tables, SELLERS)

    assert not outcome.passed
    assert outcome.failed_blocking
    assert outcome.metadata["duplicate_keys"] == 2


def test_foreign_key_check_passes_when_every_reference_matches(tables, clean):
    clean("customers", customer(CUSTOMER_1), customer(CUSTOMER_2))
    clean("orders", order(1, CUSTOMER_1), order(2, CUSTOMER_2))

    (fk,) = ORDERS.foreign_keys
    outcome = foreign_key_coverage(tables, ORDERS, fk)

    assert outcome.passed
    assert outcome.name == "fk_customer_id__customers"


def test_orphan_references_above_the_threshold_block(tables, clean):
    clean("customers", customer(CUSTOMER_1))
    clean("orders", order(1, CUSTOMER_1), order(2, STRANGER), order(3, STRANGER))

    (fk,) = ORDERS.foreign_keys
    outcome = foreign_key_coverage(tables, ORDERS, fk)

    assert outcome.failed_blocking
    assert outcome.metadata["orphan_rows"] == 2
    assert outcome.metadata["orphan_keys"] == [STRANGER]
    assert "2 of 3 references have no match" in outcome.description


def test_known_untranslated_categories_are_a_warning_only(tables, clean):
    clean("product_category_translation", "beleza_saude,health_beauty")
    clean(
        "products",
        product(1, "beleza_saude"),
        product(2, "pc_gamer"),
        product(3, "portateis_cozinha_e_preparadores_de_alimentos"),
        f"{4:032x},,,,,225,16,10,14",
    )

    (fk,) = PRODUCTS.foreign_keys
    outcome = foreign_key_coverage(tables, PRODUCTS, fk)

    assert not outcome.passed
    assert not outcome.blocking
    assert "known orphans, a warning" in outcome.description
    assert outcome.metadata["references"] == 3


def test_an_unknown_untranslated_category_is_a_blocking_failure(tables, clean):
    clean("product_category_translation", "beleza_saude,health_beauty")
    clean("products", product(1, "pc_gamer"), product(2, "brinquedos_novos"))

    (fk,) = PRODUCTS.foreign_keys
    outcome = foreign_key_coverage(tables, PRODUCTS, fk)

    assert outcome.failed_blocking
    assert outcome.metadata["orphan_keys"] == ["brinquedos_novos"]


def test_row_conservation_passes_when_the_lake_matches_its_ledger(tables, clean):
    clean("sellers", seller(1), seller(2), seller(2), "bad,row", seller(3, "bad"))

    outcome = row_conservation(tables, SELLERS)

    assert outcome.passed
    assert outcome.metadata == {
        "table_rows": 2,
        "ledger_rows": 2,
        "quarantine_rows": 2,
        "rows_superseded": 0,
        "problems": 0,
    }
    assert "read 5 = clean 2 + quarantined 2 + duplicates 1" in outcome.description


def test_row_conservation_fails_when_rows_are_deleted_behind_the_ledger(tables, clean):
    clean("sellers", seller(1), seller(2), seller(3))
    tables.load(CLEAN, "sellers").delete(EqualTo("seller_id", f"{1:032x}"))

    outcome = row_conservation(tables, SELLERS)

    assert outcome.failed_blocking
    assert outcome.metadata["table_rows"] == 2
    assert outcome.metadata["ledger_rows"] == 3


def test_row_conservation_fails_when_quarantined_rows_go_missing(tables, clean):
    clean("sellers", seller(1), seller(2, "bad"))
    quarantine = tables.load(QUARANTINE, "sellers")
    quarantine.delete(EqualTo("line", 3))

    assert row_conservation(tables, SELLERS).failed_blocking


def sellers_with_rejects(bad: int, good: int) -> list[str]:
    return [seller(n) for n in range(1, good + 1)] + [seller(1000 + n, "x") for n in range(bad)]


@pytest.mark.parametrize(
    "bad, good, passed, blocking",
    [(0, 100, True, False), (1, 99, False, False), (5, 95, False, False), (6, 94, False, True)],
    ids=["none", "one-percent-warns", "five-percent-warns", "six-percent-blocks"],
)
def test_quarantine_rate_warns_above_zero_and_blocks_above_five_percent(
    tables, clean, bad, good, passed, blocking
):
    clean("sellers", *sellers_with_rejects(bad, good))

    outcome = quarantine_rate(tables, SELLERS)

    assert outcome.metadata["rate"] == bad / 100
    assert (outcome.passed, outcome.blocking) == (passed, blocking)
    assert QUARANTINE_FAIL_RATE == 0.05


def test_a_drop_whose_records_are_all_quarantined_blocks_though_the_table_rate_is_low(
    store, tables, land, olist_csv
):
    land("olist_sellers_dataset.csv", olist_csv("sellers", *sellers_with_rejects(0, 200)))
    drop = olist_csv("sellers", *[seller(2000 + n, "x") for n in range(10)])
    land("olist_sellers_dataset_2018-09.csv", drop)
    refresh_table(store, tables, SELLERS)

    outcome = quarantine_rate(tables, SELLERS)

    assert outcome.metadata["rate"] == pytest.approx(10 / 210)
    assert outcome.failed_blocking
    assert outcome.metadata["batches_past_threshold"] == ["raw/olist_sellers_dataset_2018-09.csv"]
    assert "raw/olist_sellers_dataset_2018-09.csv (10 of 10)" in outcome.description


@pytest.mark.parametrize(
    "bad, blocking", [(1, False), (2, True)], ids=["one-record-warns", "two-records-block"]
)
def test_a_small_batch_blocks_when_more_than_one_record_is_quarantined(
    store, tables, land, olist_csv, bad, blocking
):
    land("olist_sellers_dataset.csv", olist_csv("sellers", *sellers_with_rejects(0, 500)))
    drop = olist_csv("sellers", *sellers_with_rejects(bad, 0), seller(3000), seller(3001))
    land("olist_sellers_dataset_2018-09.csv", drop)
    refresh_table(store, tables, SELLERS)

    assert quarantine_rate(tables, SELLERS).blocking == blocking


def test_clean_checks_run_every_check_of_a_table(tables, clean):
    clean("customers", customer(CUSTOMER_1))
    clean("orders", order(1, CUSTOMER_1))

    names = [outcome.name for outcome in clean_checks(tables, ORDERS)]

    assert names == [
        "primary_key_unique",
        "row_conservation",
        "quarantine_rate",
        "rejected_files",
        "timestamps_in_order",
        "fk_customer_id__customers",
    ]


def orders_with_strangers(total: int, strangers: int) -> list[str]:
    return [order(n, CUSTOMER_1) for n in range(total - strangers)] + [
        order(10_000 + n, f"{0xC0FFEE + n:032x}") for n in range(strangers)
    ]


@pytest.mark.parametrize(
    "total, strangers, blocking",
    [(1000, 1, False), (1000, 10, False), (1000, 11, True), (30, 30, True)],
    ids=["one-in-a-thousand-warns", "one-percent-warns", "above-one-percent-blocks", "all"],
)
def test_orphan_references_warn_below_the_threshold_and_block_above_it(
    tables, clean, total, strangers, blocking
):
    clean("customers", customer(CUSTOMER_1))
    clean("orders", *orders_with_strangers(total, strangers))

    (fk,) = ORDERS.foreign_keys
    outcome = foreign_key_coverage(tables, ORDERS, fk)

    assert not outcome.passed and outcome.blocking is blocking
    assert outcome.metadata["orphan_rate"] == strangers / total
    assert (
        outcome.metadata["orphan_keys"]
        == sorted(f"{0xC0FFEE + n:032x}" for n in range(strangers))[:20]
    )
    assert f"blocking above {FOREIGN_KEY_FAIL_RATE * 100:g}%" in outcome.description


def lifecycle_order(n: int, purchase: str, approved: str, carrier: str, delivered: str) -> str:
    return f"{n:032x},{CUSTOMER_1},delivered,{purchase},{approved},{carrier},{delivered},2017-10-18 00:00:00"


def test_an_order_delivered_before_it_was_purchased_is_a_warning_with_examples(tables, clean):
    clean(
        "orders",
        lifecycle_order(
            1,
            "2017-10-02 10:00:00",
            "2017-10-02 11:00:00",
            "2017-10-04 09:00:00",
            "2017-10-10 15:00:00",
        ),
        lifecycle_order(2, "2017-10-02 10:00:00", "", "", "2017-09-30 15:00:00"),
        lifecycle_order(
            3,
            "2017-10-02 10:00:00",
            "2017-10-02 11:00:00",
            "2017-10-01 09:00:00",
            "2017-10-03 15:00:00",
        ),
    )

    outcome = timestamps_in_order(tables, ORDERS)

    assert not outcome.passed and not outcome.blocking
    assert outcome.metadata["out_of_order"] == {
        "order_approved_at < order_purchase_timestamp": 0,
        "order_delivered_carrier_date < order_purchase_timestamp": 1,
        "order_delivered_customer_date < order_purchase_timestamp": 1,
        "order_delivered_customer_date < order_delivered_carrier_date": 0,
    }
    assert outcome.description == (
        "2 timestamps out of order in 3 rows: "
        "1 with order_delivered_carrier_date < order_purchase_timestamp; "
        "1 with order_delivered_customer_date < order_purchase_timestamp"
    )
    assert outcome.metadata["examples"][1] == {
        "rule": "order_delivered_customer_date < order_purchase_timestamp",
        "order_id": f"{2:032x}",
        "order_purchase_timestamp": "2017-10-02 10:00:00",
        "order_delivered_customer_date": "2017-09-30 15:00:00",
    }


def test_timestamps_in_order_pass(tables, clean):
    clean("orders", order(1, CUSTOMER_1))

    outcome = timestamps_in_order(tables, ORDERS)

    assert outcome.passed and outcome.description == "every timestamp in order in 1 rows"


@pytest.mark.parametrize(
    "read, quarantined, blocks",
    [(100, 5, False), (100, 6, True), (20, 1, False), (20, 2, True), (19, 1, False), (5, 2, True), (0, 0, False)],
)  # fmt: skip
def test_a_batch_blocks_above_five_percent_or_above_one_record_when_small(
    read, quarantined, blocks
):
    assert quarantine_blocks(read, quarantined) is blocks
