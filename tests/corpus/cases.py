"""The bad-input corpus: file names and contents reduced from public bug reports, each with the one
outcome every entry point must give it.

A case is a key (relative to the landing folder locally, to the lake's `raw/` prefix on S3), the
bytes under it, and what becomes of it: a batch read with these counts and quarantine rows
(`Staged`, from the reader's own case table), a file refused whole with a message naming its line
(`Unreadable`), a name refused (`Rejected`) or a key that is not data (`Ignored`). Cases arrive in
table order, so a later key that collides with an earlier one is the one refused. Every content
case sits in its own dated folder unless its key is the point, so the cases never compete for one
place in a table's precedence order.

The CLI test (tests/system/cli/test_cli_bad_input_corpus.py) lands them all from one local folder
in one `olist-lakehouse run`; the landing-handler test
(tests/integration/aws/test_landing_bad_input_corpus.py) lands each under moto. Both assert the
same expectation from this table, so the two runtimes give every case the same outcome.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from olist_assets.core.contracts import CONTRACTS
from tests.cases.reader_cases import (
    CASES as READER_CASES,
)
from tests.cases.reader_cases import (
    ORDER,
    REVIEW,
    REVIEWS_HEADER,
    SELLER_A,
    SELLER_B,
    SELLERS_HEADER,
    TRANSLATION_HEADER,
    Quarantined,
    ReaderCase,
    Staged,
    assert_outcome,
    lines,
    review,
    seller,
)
from tests.cases.reader_cases import Refused as ReaderRefused


@dataclass(frozen=True)
class Unreadable:
    """The file is refused whole; the message (shown beside the file's key) holds each fragment."""

    table: str
    message: tuple[str, ...]


@dataclass(frozen=True)
class Rejected:
    """The name is refused (no table's, a near miss, a collision); the reason starts with this."""

    table: str | None
    reason: str


@dataclass(frozen=True)
class Ignored:
    """The key is not data (a folder marker, a hidden path, archive metadata), with this note."""

    note: str


@dataclass(frozen=True)
class CorpusCase:
    id: str
    key: str
    content: bytes
    expected: Staged | Unreadable | Rejected | Ignored
    table: str | None = None
    s3_only: bool = False  # a key a local folder cannot hold

    def reader_case(self) -> ReaderCase:
        """The case as the reader's case table states it (for `assert_outcome`)."""
        assert isinstance(self.expected, Staged)
        return ReaderCase(self.id, "", self.table, self.content, self.expected, self.key)


_DAYS = itertools.count()


def dropped(table: str, name: str = "") -> str:
    """A key of its own for a content case: `<unique ISO date>/<the table's file name>`."""
    day = date(2001, 1, 1) + timedelta(days=next(_DAYS))
    return f"{day.isoformat()}/{name or CONTRACTS[table].file_name}"


def _from_reader(case: ReaderCase) -> CorpusCase:
    key = dropped(case.table)
    expected = case.expected
    if isinstance(expected, ReaderRefused):
        prefix = f"{case.source_file}: "
        expected = Unreadable(case.table, tuple(m.removeprefix(prefix) for m in expected.message))
    return CorpusCase(case.id, key, case.content, expected, case.table)


def _file(table: str, *rows: str) -> bytes:
    """A table's file: its header quoted as the real files quote it, then `rows`."""
    contract = CONTRACTS[table]
    quote = '"' if contract.header_quoted else ""
    return lines(",".join(f"{quote}{name}{quote}" for name in contract.source_columns), *rows)


ORDERS = CONTRACTS["orders"].file_name
PAYMENTS = CONTRACTS["order_payments"].file_name
PRODUCTS = CONTRACTS["products"].file_name
SELLERS = CONTRACTS["sellers"].file_name
NFD, NFC = unicodedata.normalize("NFD", "março"), unicodedata.normalize("NFC", "março")
CUSTOMER = "c" + "0" * 30 + "1"  # the small dataset's customer
SELLERS_OK = lines(SELLERS_HEADER, seller(SELLER_A), seller(SELLER_B))
ORDERS_FILE = _file(
    "orders",
    f'"{ORDER}","{CUSTOMER}",delivered,2018-01-02 10:00:00,,,,2018-01-20 00:00:00',
    f'"{"e" * 32}","{CUSTOMER}",shipped,not a date,,,,2018-02-20 00:00:00',
)
PAYMENTS_FILE = _file("order_payments", f'"{ORDER}",1,credit_card,3,72.40')
PRODUCTS_FILE = _file("products", f'"{"b" * 32}","beleza_saude",40,300,2,500,20,10,15')
TWO_READ = Staged(read=2, clean=2)


def _review(number: int, message: str) -> str:
    """A review record of its own review id."""
    return review(message).replace(REVIEW, f"{number:032x}", 1)


def _one_bad(line: int, reason: str, column: str | None = None, read: int = 2) -> Staged:
    return Staged(read=read, clean=read - 1, quarantined=(Quarantined(line, reason, column),))


def _header_refused(table: str, message: str) -> Unreadable:
    return Unreadable(table, (message,))


CONTENT_CASES = (
    *(_from_reader(case) for case in READER_CASES),
    CorpusCase(
        "bom-and-crlf-are-read-as-plain-lines",
        dropped("sellers"),
        b"\xef\xbb\xbf" + lines(SELLERS_HEADER, seller(SELLER_A), seller(SELLER_B), newline="\r\n"),
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "crlf-reject-names-its-physical-line",
        dropped("sellers"),
        lines(SELLERS_HEADER, seller(SELLER_A), f'"{SELLER_B}","13023",campinas', newline="\r\n"),
        _one_bad(3, "expected 4 fields, found 3"),
        "sellers",
    ),
    CorpusCase(
        "old-mac-cr-line-endings-are-lines",
        dropped("sellers"),
        lines(SELLERS_HEADER, seller(SELLER_A), seller(SELLER_B), newline="\r"),
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "trailing-blank-lines-are-counted-not-quarantined",
        dropped("sellers"),
        SELLERS_OK + b"\n\n\n\n",
        Staged(read=2, clean=2, blank=4),
        "sellers",
    ),
    CorpusCase(
        "last-record-without-a-newline-is-read",
        dropped("sellers"),
        SELLERS_OK.rstrip(b"\n"),
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "header-only-without-a-newline-is-refused",
        dropped("sellers"),
        SELLERS_HEADER.encode(),
        Unreadable("sellers", ("the file has a header and no records",)),
        "sellers",
    ),
    CorpusCase(
        "whitespace-only-file-is-refused-as-empty",
        dropped("sellers"),
        b"  \n\n \r\n",
        Unreadable("sellers", ("the file is empty",)),
        "sellers",
    ),
    CorpusCase(
        "renamed-column-names-line-1-and-its-column",
        dropped("sellers"),
        lines(SELLERS_HEADER.replace('"seller_city"', '"city"'), seller(SELLER_A)),
        _header_refused(
            "sellers",
            "line 1, column 3: header does not match the contract: missing columns "
            "['seller_city']; unexpected columns ['city']",
        ),
        "sellers",
    ),
    CorpusCase(
        "extra-column-names-its-column",
        dropped("sellers"),
        lines(SELLERS_HEADER + ',"extra"', seller(SELLER_A) + ",x"),
        _header_refused(
            "sellers",
            "line 1, column 5: header does not match the contract: unexpected columns ['extra']",
        ),
        "sellers",
    ),
    CorpusCase(
        "columns-in-another-order-name-column-1",
        dropped("sellers"),
        lines(
            '"seller_zip_code_prefix","seller_id","seller_city","seller_state"',
            f'"13023","{SELLER_A}",campinas,SP',
        ),
        _header_refused(
            "sellers",
            "line 1, column 1: header does not match the contract: columns in another order: "
            "expected ['seller_id', 'seller_zip_code_prefix', 'seller_city', 'seller_state']",
        ),
        "sellers",
    ),
    CorpusCase(
        "semicolon-separated-export-is-refused-at-its-header",
        dropped("sellers"),
        lines(SELLERS_HEADER.replace(",", ";"), seller(SELLER_A).replace(",", ";")),
        _header_refused(
            "sellers", "line 1, column 1: header does not match the contract: missing columns"
        ),
        "sellers",
    ),
    CorpusCase(
        "excel-sep-hint-line-is-refused-at-line-1",
        dropped("sellers"),
        b"sep=,\n" + SELLERS_OK,
        _header_refused("sellers", "line 1, column 1: header does not match the contract"),
        "sellers",
    ),
    CorpusCase(
        "undecodable-header-names-line-1",
        dropped("sellers"),
        SELLERS_OK.replace(b"seller_city", b"seller_cit\xe9", 1),
        Unreadable("sellers", ("line 1, column 49: not valid UTF-8 in the header: \\xe9",)),
        "sellers",
    ),
    CorpusCase(
        "unquoted-header-is-the-same-header",
        dropped("sellers"),
        lines(SELLERS_HEADER.replace('"', ""), seller(SELLER_A), seller(SELLER_B)),
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "bad-enum-value-names-its-column",
        dropped("sellers"),
        lines(SELLERS_HEADER, seller(SELLER_A), f'"{SELLER_B}","13023",campinas,XX'),
        _one_bad(3, "seller_state: 'XX' is not one of", "seller_state"),
        "sellers",
    ),
    CorpusCase(
        "empty-key-names-its-column",
        dropped("sellers"),
        lines(SELLERS_HEADER, seller(SELLER_A), '"","13023",campinas,SP'),
        _one_bad(3, "seller_id: missing required value", "seller_id"),
        "sellers",
    ),
    CorpusCase(
        "value-that-does-not-fit-its-type-names-its-column",
        dropped("order_payments"),
        _file(
            "order_payments",
            f'"{ORDER}",1,credit_card,3,72.40',
            f'"{ORDER}",2,voucher,1,R$10',
        ),
        _one_bad(3, "payment_value: 'R$10' is not a decimal", "payment_value"),
        "order_payments",
    ),
    CorpusCase(
        "out-of-domain-review-score-names-its-column",
        dropped("order_reviews"),
        _file("order_reviews", review("ok").replace(",4,", ",7,")),
        Staged(
            read=1,
            clean=0,
            quarantined=(
                Quarantined(2, "review_score: '7' is not an integer within [1, 5]", "review_score"),
            ),
        ),
        "order_reviews",
    ),
    CorpusCase(
        "undecodable-byte-after-quoted-newlines-names-its-physical-line",
        dropped("order_reviews"),
        lines(
            REVIEWS_HEADER,
            _review(1, '"a\nb\r\nc"'),
            *(_review(n, "ok") for n in range(2, 120)),
        )
        + lines(_review(500, "SAO")).replace(b"SAO", b"s\xe3o")
        + lines(_review(501, "fim")),
        Staged(
            read=121,
            clean=120,
            quarantined=(
                Quarantined(123, "not valid UTF-8: bytes \\xe3 at byte 75", raw_contains="s\\xe3o"),
            ),
        ),
        "order_reviews",
    ),
    CorpusCase(
        "translation-header-quoted-is-the-same-header",
        dropped("product_category_translation"),
        lines(",".join(f'"{name}"' for name in TRANSLATION_HEADER.split(",")), "beleza,beauty"),
        Staged(read=1, clean=1),
        "product_category_translation",
    ),
    CorpusCase(
        "geolocation-exact-copies-are-counted-as-duplicates",
        dropped("geolocation"),
        _file(
            "geolocation",
            '"01310",-23.56,-46.65,sao paulo,SP',
            '"01310",-23.56,-46.65,sao paulo,SP',
            '"20040",-22.9,-43.17,rio,RJ',
        ),
        Staged(read=3, clean=2, duplicate=1),
        "geolocation",
    ),
)

# Keys whose name, folder or arrival order is the point; content is a small valid file.
KEY_CASES = (
    CorpusCase(
        "undated-file-at-the-root-is-the-tables-file",
        ORDERS,
        ORDERS_FILE,
        _one_bad(
            3,
            "order_purchase_timestamp: 'not a date' is not a timestamp",
            "order_purchase_timestamp",
        ),
        "orders",
    ),
    CorpusCase(
        "stale-copy-in-a-subfolder-is-refused-naming-the-tables-file",
        f"zz_backup/{ORDERS}",
        ORDERS_FILE,
        Rejected(
            "orders",
            f"a second undated orders file: {ORDERS!r} already is the table's file; the later "
            "arrival is refused: remove one of the two",
        ),
    ),
    CorpusCase(
        "same-named-file-in-a-monthly-folder-is-a-batch",
        f"2018-09/{PAYMENTS}",
        PAYMENTS_FILE,
        Staged(read=1, clean=1),
        "order_payments",
    ),
    CorpusCase(
        "same-named-file-in-the-next-monthly-folder-is-another-batch",
        f"2018-10/{PAYMENTS}",
        PAYMENTS_FILE,
        Staged(read=1, clean=1),
        "order_payments",
    ),
    CorpusCase(
        "dated-name-beside-a-dated-folder-of-that-date-is-refused",
        "olist_order_payments_dataset_2018-09.csv",
        PAYMENTS_FILE,
        Rejected(
            "order_payments",
            f"a second order_payments drop for 2018-09: '2018-09/{PAYMENTS}' already is that "
            "drop; the later arrival is refused: remove one of the two",
        ),
    ),
    CorpusCase(
        "dash-dated-name-is-a-batch",
        "olist_sellers_dataset-2003-04-01.csv",
        SELLERS_OK,
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "day-dated-name-is-a-batch",
        "olist_sellers_dataset_2003-07-31.csv",
        SELLERS_OK,
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "backup-suffix-is-refused-with-the-expected-names",
        "olist_orders_dataset_backup.csv",
        ORDERS_FILE,
        Rejected(
            "orders",
            "'olist_orders_dataset_backup.csv' is not a file name of the orders table: expected "
            "olist_orders_dataset.csv, olist_orders_dataset_YYYY-MM[-DD].csv or "
            "olist_orders_dataset-YYYY-MM[-DD].csv",
        ),
    ),
    CorpusCase(
        "plus-in-a-folder-name-is-taken-literally",
        "2003-05-01/a+b/olist_sellers_dataset.csv",
        SELLERS_OK,
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "space-in-a-folder-name-survives-event-encoding",
        "2003-05-02/drops 2018/olist_sellers_dataset.csv",
        SELLERS_OK,
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "percent-20-in-a-folder-name-is-decoded-once-only",
        "2003-05-03/a%20b/olist_sellers_dataset.csv",
        SELLERS_OK,
        TWO_READ,
        "sellers",
    ),
    CorpusCase(
        "nfd-folder-name-is-a-batch-keyed-in-nfc",
        f"2003-06-01/{NFD}/{PRODUCTS}",
        PRODUCTS_FILE,
        Staged(read=1, clean=1),
        "products",
    ),
    CorpusCase(
        "nfc-spelling-of-the-same-folder-is-refused-naming-the-first",
        f"2003-06-01/{NFC}/{PRODUCTS}",
        PRODUCTS_FILE,
        Rejected(
            "products",
            f"the same batch as '2003-06-01/{NFD}/{PRODUCTS}' once Unicode-normalized (NFC); "
            "the later arrival is refused: remove one of the two",
        ),
    ),
    CorpusCase(
        "upper-case-extension-is-refused-with-the-right-name",
        "olist_sellers_dataset.CSV",
        SELLERS_OK,
        Rejected(
            "sellers",
            "differs from a file name of the sellers table only in letter case: rename it to "
            "'olist_sellers_dataset.csv'",
        ),
    ),
    CorpusCase(
        "upper-case-name-is-refused-with-the-right-name",
        "OLIST_SELLERS_DATASET.csv",
        SELLERS_OK,
        Rejected("sellers", "differs from a file name of the sellers table only in letter case"),
    ),
    CorpusCase(
        "double-dot-extension-is-refused-with-the-expected-names",
        "olist_sellers_dataset..csv",
        SELLERS_OK,
        Rejected(
            "sellers",
            "'olist_sellers_dataset..csv' is not a file name of the sellers table: expected "
            "olist_sellers_dataset.csv, olist_sellers_dataset_YYYY-MM[-DD].csv or "
            "olist_sellers_dataset-YYYY-MM[-DD].csv",
        ),
    ),
    CorpusCase(
        "copy-suffix-is-refused-with-the-expected-names",
        "olist_orders_dataset - Copy.csv",
        ORDERS_FILE,
        Rejected("orders", "'olist_orders_dataset - Copy.csv' is not a file name of the orders"),
    ),
    CorpusCase(
        "impossible-month-is-not-a-dated-drop",
        "olist_sellers_dataset_2018-13.csv",
        SELLERS_OK,
        Rejected("sellers", "'olist_sellers_dataset_2018-13.csv' is not a file name of the"),
    ),
    CorpusCase(
        "compressed-file-is-refused-with-the-expected-names",
        "olist_sellers_dataset.csv.gz",
        b"\x1f\x8b\x08\x00",
        Rejected("sellers", "'olist_sellers_dataset.csv.gz' is not a file name of the sellers"),
    ),
    CorpusCase(
        "office-owner-file-matches-no-table",
        f"~${ORDERS}",
        b"\x00\x01",
        Rejected(None, f"'~${ORDERS}' matches no table: expected one of"),
    ),
    CorpusCase(
        "unknown-file-matches-no-table",
        "notes.txt",
        b"remember to upload the reviews\n",
        Rejected(None, "'notes.txt' matches no table: expected one of"),
    ),
    CorpusCase(
        "finder-metadata-is-ignored",
        ".DS_Store",
        b"\x00\x00\x00\x01Bud1",
        Ignored("hidden ('.DS_Store' starts with a dot)"),
    ),
    CorpusCase(
        "macos-archive-metadata-is-ignored",
        f"__MACOSX/{ORDERS}",
        b"\x00\x05\x16\x07",
        Ignored("macOS archive metadata (a __MACOSX folder)"),
    ),
    CorpusCase(
        "notebook-checkpoint-folder-is-ignored",
        f".ipynb_checkpoints/{ORDERS}",
        ORDERS_FILE,
        Ignored("hidden ('.ipynb_checkpoints' starts with a dot)"),
    ),
    CorpusCase(
        "office-lock-file-is-ignored",
        f"2018-09/.~lock.{ORDERS}#",
        b"me,host,,29.11.2026 12:00,file:///home/me/.config;\n",
        Ignored(f"hidden ('.~lock.{ORDERS}#' starts with a dot)"),
    ),
    CorpusCase(
        "file-in-a-hidden-folder-is-ignored",
        f".git/{SELLERS}",
        SELLERS_OK,
        Ignored("hidden ('.git' starts with a dot)"),
    ),
    CorpusCase(
        "folder-marker-is-ignored",
        "2018-11/",
        b"",
        Ignored("a folder marker (the key ends with '/'), not a file"),
        s3_only=True,
    ),
    CorpusCase(
        "dot-dot-segment-is-refused",
        f"x/../{ORDERS}",
        ORDERS_FILE,
        Rejected(None, "not a plain relative path (an empty, '.' or '..' segment)"),
        s3_only=True,
    ),
)

CASES: tuple[CorpusCase, ...] = (*CONTENT_CASES, *KEY_CASES)
LOCAL_CASES = tuple(case for case in CASES if not case.s3_only)
assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique"
assert len({case.key for case in CASES}) == len(CASES), "case keys must be unique"


@dataclass(frozen=True)
class Outcome:
    """What an entry point did with one key, in one shape for both runtimes.

    `verdict` is batch, rejected or ignored; `shown` the message the user sees beside the file's
    key; `counts` the batch's ledger counts (read, blank, clean, quarantined, duplicate) and
    `quarantine` its quarantine rows, for a batch.
    """

    verdict: str
    shown: str = ""
    counts: dict[str, int] | None = None
    quarantine: tuple[dict, ...] = ()


def assert_case(case: CorpusCase, outcome: Outcome) -> None:
    """The outcome is the one the case states: the batch's counts, quarantine lines and reasons, or
    the refusal or note shown for the file, in one plain line."""
    expected = case.expected
    assert "Traceback" not in outcome.shown and "\n" not in outcome.shown, outcome.shown
    if isinstance(expected, Staged):
        assert outcome.verdict == "batch", outcome
        assert_outcome(case.reader_case(), outcome.counts, list(outcome.quarantine))
    elif isinstance(expected, Unreadable):
        assert outcome.verdict == "rejected", outcome
        for fragment in expected.message:
            assert fragment in outcome.shown, outcome.shown
    elif isinstance(expected, Rejected):
        assert outcome.verdict == "rejected", outcome
        assert outcome.shown.startswith(expected.reason), outcome.shown
    else:
        assert outcome.verdict == "ignored", outcome
        assert outcome.shown == expected.note


def batch_key(case: CorpusCase) -> str:
    """The case's batch key: its key in NFC."""
    return unicodedata.normalize("NFC", case.key)


COUNTS = ("read", "blank", "clean", "quarantined", "duplicate")


def ledger_counts(entry) -> dict[str, int]:
    """A ledger entry's counts as the reader names them (read, blank, clean, ...)."""
    return {name: getattr(entry, f"rows_{name}") for name in COUNTS}
