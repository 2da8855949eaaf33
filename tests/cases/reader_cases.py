"""Every record-classification rule of the reader as data: file bytes in, expected outcome out.

One table serves every entry point: the core test stages each case with `stage_batch`; the CLI and
the landing-handler tests land the same bytes under the case's file name and compare what the run
recorded (counts and quarantine rows) with `assert_outcome`, or the refusal with `assert_refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from olist_assets.core.contracts import CONTRACTS

SELLER_A = "3442f8959a84dea7ee197c632cb2df15"
SELLER_B = "d1b65fc7debc3361ea86b5f14c68d2e2"
SELLER_C = "ce3ad9de960102d0677a81f5d0bb7b2d"
REVIEW = "7bc2406110b926393aa56f80a40eba40"
ORDER = "73fc7af87114b39712e6da79b0a377eb"
SELLERS_HEADER = '"seller_id","seller_zip_code_prefix","seller_city","seller_state"'
TRANSLATION_HEADER = "product_category_name,product_category_name_english"
REVIEWS_HEADER = ",".join(f'"{name}"' for name in CONTRACTS["order_reviews"].source_columns)
LIMIT_BYTES = 10 * 2**20
PREFIX_BYTES = len(f'"{SELLER_A}","13023",camp')


@dataclass(frozen=True)
class Quarantined:
    """One expected quarantine row: its physical line, the start of its reason, its column."""

    line: int
    reason: str
    column: str | None = None
    raw_contains: str = ""


@dataclass(frozen=True)
class Staged:
    """The file is read: these counts, these quarantine rows (in line order)."""

    read: int
    clean: int
    blank: int = 0
    duplicate: int = 0
    quarantined: tuple[Quarantined, ...] = ()


@dataclass(frozen=True)
class Refused:
    """The whole file is refused: the error class and fragments its message must hold."""

    error: str
    message: tuple[str, ...]


@dataclass(frozen=True)
class ReaderCase:
    id: str
    rule: str
    table: str
    content: bytes
    expected: Staged | Refused
    file_name: str = field(default="")

    @property
    def source_file(self) -> str:
        return self.file_name or CONTRACTS[self.table].file_name


def seller(seller_id: str, city: str = "campinas") -> str:
    return f'"{seller_id}","13023",{city},SP'


def review(message: str) -> str:
    return f'"{REVIEW}","{ORDER}",4,,{message},2018-01-18 00:00:00,2018-01-18 21:46:59'


def lines(*rows: str, newline: str = "\n") -> bytes:
    return (newline.join(rows) + newline).encode()


def _sellers(count: int) -> list[str]:
    return [seller(f"{n:032x}") for n in range(1, count + 1)]


CASES: tuple[ReaderCase, ...] = (
    ReaderCase(
        "blank-lines-are-skipped-and-counted",
        "blank lines are skipped and counted, never quarantined",
        "product_category_translation",
        b"\xef\xbb\xbf"
        + lines(TRANSLATION_HEADER, "beleza_saude,health_beauty", "", "  ", "automotivo,auto")
        + b"\r\n\r\n\n",
        Staged(read=2, clean=2, blank=5),
    ),
    ReaderCase(
        "repeated-header-is-not-data",
        "a line equal to the header is quarantined as not data",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A), SELLERS_HEADER, seller(SELLER_B)),
        Staged(
            read=3,
            clean=2,
            quarantined=(Quarantined(3, "a repeated header line, not a record of this table"),),
        ),
    ),
    ReaderCase(
        "header-repeated-after-a-bom-is-not-data",
        "two exports concatenated: the second header, behind its byte order mark, is not data",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A))
        + b"\xef\xbb\xbf"
        + lines(SELLERS_HEADER)
        + lines(seller(SELLER_B)),
        Staged(
            read=3,
            clean=2,
            quarantined=(Quarantined(3, "a repeated header line, not a record of this table"),),
        ),
    ),
    ReaderCase(
        "comment-and-separator-lines-are-not-data",
        "a comment or separator line is quarantined as not data",
        "product_category_translation",
        lines(TRANSLATION_HEADER, "# exported 2018-09-01", "beleza_saude,health_beauty", "-----")
        + lines(",", "automotivo,auto"),
        Staged(
            read=5,
            clean=2,
            quarantined=(
                Quarantined(2, "a comment line, not a record of this table"),
                Quarantined(4, "a separator line, not a record of this table"),
                Quarantined(5, "a separator line, not a record of this table"),
            ),
        ),
    ),
    ReaderCase(
        "long-review-comment-is-valid-data",
        "a field below the documented limit is accepted, however long",
        "order_reviews",
        lines(REVIEWS_HEADER, review("x" * 200_000)),
        Staged(read=1, clean=1),
    ),
    ReaderCase(
        "field-over-the-limit-quarantines-its-record",
        "a field longer than the limit quarantines its record, not the file",
        "order_reviews",
        lines(
            REVIEWS_HEADER,
            review("ok"),
            review('"' + "y" * (LIMIT_BYTES + 1) + '"').replace(REVIEW, REVIEW[::-1]),
            review("fine").replace(REVIEW, "80e641a11e56f04c1ad469d5645fdfde"),
        ),
        Staged(
            read=3,
            clean=2,
            quarantined=(
                Quarantined(
                    3,
                    f"review_comment_message: value of {LIMIT_BYTES + 1:,} bytes exceeds the "
                    f"limit of {LIMIT_BYTES:,}",
                    "review_comment_message",
                ),
            ),
        ),
    ),
    ReaderCase(
        "unterminated-quote-quarantines-to-the-end",
        "an unterminated quote quarantines from its record to the end of the file",
        "sellers",
        lines(
            SELLERS_HEADER,
            seller(SELLER_A),
            seller(SELLER_B),
            f'"{SELLER_C}","13023,campinas,SP',
            f"{'0a' * 16},13023,campinas,SP",
        ),
        Staged(
            read=3,
            clean=2,
            quarantined=(
                Quarantined(
                    4,
                    "unterminated quote: the record starting on line 4 runs to the end of the file",
                    raw_contains="0a0a0a",
                ),
            ),
        ),
    ),
    ReaderCase(
        "quoted-newlines-keep-physical-lines",
        "a reject after values spanning lines names its physical line",
        "order_reviews",
        lines(
            REVIEWS_HEADER,
            review('"first line\nsecond, line\r\nthird ""quoted"""'),
            review("bad score").replace(",4,", ",9,").replace(REVIEW, REVIEW[::-1]),
        ),
        Staged(
            read=2,
            clean=1,
            quarantined=(Quarantined(5, "review_score: '9' is not an integer", "review_score"),),
        ),
    ),
    ReaderCase(
        "undecodable-bytes-quarantine-their-record",
        "a record holding bytes that are not UTF-8 is quarantined with the bytes escaped",
        "sellers",
        lines(SELLERS_HEADER, *_sellers(60))
        + f'"{SELLER_A}","13023",s'.encode()
        + b"\xe3o paulo,SP\n"
        + lines(*[seller(f"{n:032x}") for n in range(100, 160)]),
        Staged(
            read=121,
            clean=120,
            quarantined=(
                Quarantined(
                    62, "not valid UTF-8: bytes \\xe3 at byte 45", raw_contains="s\\xe3o paulo"
                ),
            ),
        ),
    ),
    ReaderCase(
        "nul-byte-past-the-start-quarantines-its-record",
        "a record holding a NUL byte (past the first 4 KiB, so not a binary file) is quarantined",
        "sellers",
        lines(SELLERS_HEADER, *_sellers(80))
        + f'"{SELLER_A}","13023",camp'.encode()
        + b"\x00inas,SP\n"
        + lines(*[seller(f"{n:032x}") for n in range(100, 110)]),
        Staged(
            read=91,
            clean=90,
            quarantined=(Quarantined(82, f"a NUL byte (\\x00) at byte {PREFIX_BYTES + 1}"),),
        ),
    ),
    ReaderCase(
        "latin1-file-is-refused",
        "a file not UTF-8 throughout (over 1% of records undecodable) is refused",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A), seller(SELLER_B, "são paulo"))
        .decode()
        .encode("latin-1"),
        Refused(
            "UndecodableFileError",
            ("olist_sellers_dataset.csv: not UTF-8 throughout", "line 3", "Windows-1252"),
        ),
    ),
    ReaderCase(
        "utf16-file-is-refused",
        "a file with a UTF-16 byte order mark is refused",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A)).decode().encode("utf-16"),
        Refused(
            "UndecodableFileError",
            ("olist_sellers_dataset.csv: not UTF-8", "line 1", "UTF-16 byte order mark"),
        ),
    ),
    ReaderCase(
        "nul-bytes-refuse-the-file",
        "a file with NUL bytes near the start is refused",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A)).decode().encode("utf-16-le"),
        Refused("UndecodableFileError", ("olist_sellers_dataset.csv: not UTF-8", "NUL bytes")),
    ),
    ReaderCase(
        "header-without-records-is-refused",
        "a file with a header and no records is refused like an empty one",
        "sellers",
        lines(SELLERS_HEADER, "", ""),
        Refused("EmptyFileError", ("olist_sellers_dataset.csv: the file has a header and no",)),
    ),
    ReaderCase(
        "empty-file-is-refused",
        "an empty file is refused",
        "sellers",
        b"",
        Refused("EmptyFileError", ("olist_sellers_dataset.csv: the file is empty",)),
    ),
    ReaderCase(
        "malformed-quoting-quarantines-its-record",
        "text after a closing quote quarantines its record",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A), f'"{SELLER_B}","138"44,campinas,SP'),
        Staged(
            read=2,
            clean=1,
            quarantined=(
                Quarantined(
                    3,
                    "malformed quoting: text follows a closing quote on line 3 (character 41 of "
                    "the record)",
                ),
            ),
        ),
    ),
    ReaderCase(
        "quote-closed-by-a-later-record-quarantines-the-lines-it-joined",
        "a quote left open and closed by a later record's quote joins them into one bad record",
        "sellers",
        lines(
            SELLERS_HEADER,
            f'"{SELLER_A}","13023,campinas,SP',
            seller(SELLER_B),
            seller(SELLER_C),
        ),
        Staged(
            read=2,
            clean=1,
            quarantined=(
                Quarantined(
                    2,
                    "malformed quoting: text follows a closing quote on line 3 (character 56 of the record)",
                    raw_contains=SELLER_B,
                ),
            ),
        ),
    ),
    ReaderCase(
        "wrong-field-count-quarantines-its-record",
        "a record with the wrong number of fields is quarantined",
        "sellers",
        lines(SELLERS_HEADER, seller(SELLER_A), f'"{SELLER_B}","13023",campinas'),
        Staged(
            read=2,
            clean=1,
            quarantined=(Quarantined(3, "expected 4 fields, found 3"),),
        ),
    ),
    ReaderCase(
        "duplicates-are-dropped-and-key-conflicts-quarantined",
        "exact copies are counted, a second row for a key is quarantined naming the first line",
        "sellers",
        lines(
            SELLERS_HEADER,
            seller(SELLER_A),
            seller(SELLER_B),
            seller(SELLER_A),
            seller(SELLER_A, "sorocaba"),
        ),
        Staged(
            read=4,
            clean=2,
            duplicate=1,
            quarantined=(
                Quarantined(
                    5,
                    f"duplicate primary key (seller_id)=({SELLER_A}), first seen on line 2",
                    "seller_id",
                    raw_contains="sorocaba",
                ),
            ),
        ),
    ),
)


def assert_outcome(case: ReaderCase, counts: dict[str, int], quarantine: list[dict]) -> None:
    """Counts (read, blank, clean, quarantined, duplicate) and quarantine rows match the case,
    and every record read is accounted for."""
    expected = case.expected
    assert isinstance(expected, Staged), f"{case.id}: expected a refusal"
    assert counts["read"] == counts["clean"] + counts["quarantined"] + counts["duplicate"]
    assert {name: counts[name] for name in ("read", "clean", "blank", "duplicate")} == {
        "read": expected.read,
        "clean": expected.clean,
        "blank": expected.blank,
        "duplicate": expected.duplicate,
    }
    assert counts["quarantined"] == len(expected.quarantined) == len(quarantine)
    for row, want in zip(quarantine, expected.quarantined, strict=True):
        assert row["source_file"].endswith(case.source_file)
        assert row["line"] == want.line, row
        assert row["reason"].startswith(want.reason), row["reason"][:300]
        assert row["column_name"] == want.column
        assert want.raw_contains in row["raw_record"]


def assert_refusal(case: ReaderCase, error: BaseException) -> None:
    """The refusal names the error class the case expects and its message holds every fragment."""
    expected = case.expected
    assert isinstance(expected, Refused), f"{case.id}: expected the file to be read"
    assert type(error).__name__ == expected.error
    for fragment in expected.message:
        assert fragment in str(error), str(error)
