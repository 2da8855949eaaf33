"""The bad-input corpus through the landing Lambda handler under moto: each key uploaded under raw/
and landed from its S3 event (keys URL-encoded as S3 encodes them), in the corpus's order.

Each case's run record gives its outcome: a batch's counts from its ledger entry and its rows from
the quarantine table, or the reason a file was refused or ignored. A refused file leaves no batch
in its table's ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from lambda_adapters import handle_landing
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, QUARANTINE
from tests.corpus.cases import CASES, CorpusCase, Outcome, assert_case, batch_key, ledger_counts
from tests.integration.aws.conftest import deploy, lambda_context
from tests.support.moto import running_moto

# one to two minutes (an Iceberg commit per landed object on moto): `make rehearse`
pytestmark = [pytest.mark.integration, pytest.mark.rehearsal]
RECORDS_PER_EVENT = 10


@dataclass(frozen=True)
class Landed:
    records: dict[str, dict]
    ledgers: dict[str, dict]  # table -> batch key -> ledger entry
    quarantine: dict[str, list[dict]]  # table -> quarantine rows


@pytest.fixture(scope="module")
def landed() -> Iterator[Landed]:
    """Every case uploaded and landed once, in corpus order, on one deployment (one moto server):
    ten S3 records an event, as a queue-fed Lambda receives them."""
    with pytest.MonkeyPatch.context() as monkeypatch, running_moto(monkeypatch):
        lake = deploy(monkeypatch)
        records = {}
        for start in range(0, len(CASES), RECORDS_PER_EVENT):
            cases = CASES[start : start + RECORDS_PER_EVENT]
            for case in cases:
                lake.put(f"raw/{case.key}", case.content)
            event = {"Records": [lake.event(f"raw/{c.key}")["Records"][0] for c in cases]}
            landed = handle_landing.lambda_handler(event, lambda_context("landing"))["objects"]
            records |= {case.id: record for case, record in zip(cases, landed, strict=True)}
        tables = lake.tables()
        ledgers, quarantine = {}, {}
        for name, contract in CONTRACTS.items():
            ledgers[name] = tables.state(contract).ledger.batches
            if tables.load(QUARANTINE, name) is not None:
                quarantine[name] = tables.scan(QUARANTINE, name).read_all().to_pylist()
        yield Landed(records, ledgers, quarantine)


def outcome(case: CorpusCase, landed: Landed) -> Outcome:
    record = landed.records[case.id]
    assert record["key"] == f"raw/{case.key}"  # the record names the file as uploaded
    if record["status"] != "cleaned":
        return Outcome(record["status"], record["reason"])
    entry = landed.ledgers[record["table"]][batch_key(case)]
    counts = ledger_counts(entry)
    assert counts == {name: record[f"rows_{name}"] for name in counts}
    rows = [
        row
        for row in landed.quarantine.get(record["table"], [])
        if row[BATCH_COLUMN] == batch_key(case)
    ]
    return Outcome("batch", counts=counts, quarantine=tuple(sorted(rows, key=lambda r: r["line"])))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_landing_handler_gives_each_bad_input_its_outcome(case: CorpusCase, landed) -> None:
    assert_case(case, outcome(case, landed))
    record = landed.records[case.id]
    table = getattr(case.expected, "table", None) or case.table
    if record["status"] == "rejected":
        # the table it was meant for (when there is one) keeps what it held: not this file
        assert record.get("table") == table
        assert record["failure_record"]
        held = {key: entry for ledger in landed.ledgers.values() for key, entry in ledger.items()}
        entry = held.get(batch_key(case))
        assert entry is None or entry.source_key.removeprefix("raw/") != case.key
