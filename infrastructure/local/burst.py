"""`make burst`: 500 dated drops through the deployed event path on moto, one business refresh.

Run by `deploy_local.sh burst` after `terraform apply` against the moto server. Uploads 500 small
dated drops of five tables under raw/ (synthetic rows under each table's real header), lets the
lake bucket's notifications fill the Terraform-made landing queue, consumes it with the deployed
landing handler in process (queue_consumer.py, `--consumers` threads), then counts: the S3 events
received, the files landed (run records under runs/landing/), the re-deliveries, the files lost,
and the refreshes (the Step Functions executions moto recorded). Prints exactly one line,
`burst: events N, landed N, duplicates N, lost N, refreshes N`, on standard output (progress goes
to standard error) and exits 1 if a file was lost or the refresh count is not 1.

One consumer by default: until the landing commits to Iceberg tables, two landings of one table
at once can lose a batch; `--consumers 5` is the deployed maximum concurrency once they do.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
from queue_consumer import consume
from rehearse import LANDED, deployed_handler, landing_records

from olist_assets.core import lake
from olist_assets.core.contracts import CONTRACTS

FIRST_DAY = date(2017, 1, 1)
ROWS_PER_DROP = 3


def _hex(*parts: int) -> str:
    return "".join(f"{part:08x}" for part in parts).rjust(32, "0")


ROW_MAKERS = {
    "sellers": lambda d, r: f'"{_hex(1, d, r)}","{13000 + r:05d}",campinas,SP',
    "customers": lambda d, r: f'"{_hex(2, d, r)}","{_hex(3, d, r)}","{1300 + r:05d}",sao paulo,SP',
    "geolocation": lambda d, r: f'"{d % 90000 + 10000:05d}",-23.5{r},-46.6{r},sao paulo,SP',
    "order_payments": lambda d, r: f'"{_hex(4, d, r)}",{r + 1},credit_card,2,{10 + r}.50',
    "product_category_translation": lambda d, r: f"categoria_{d}_{r},category {d} {r}",
}


def drops(count: int) -> dict[str, str]:
    """`count` dated drops, tables in turn, one day apart per table: raw key -> CSV text."""
    tables = sorted(ROW_MAKERS)
    files = {}
    for index in range(count):
        table = tables[index % len(tables)]
        contract = CONTRACTS[table]
        day = FIRST_DAY + timedelta(days=index // len(tables))
        quote = '"' if contract.header_quoted else ""
        header = ",".join(f"{quote}{name}{quote}" for name in contract.source_columns)
        rows = [ROW_MAKERS[table](index, row) for row in range(ROWS_PER_DROP)]
        key = lake.raw_key(table, f"{contract.file_stem}_{day.isoformat()}.csv")
        files[key] = "\n".join([header, *rows]) + "\n"
    return files


def delivery(record: dict[str, Any]) -> tuple[str, str]:
    """What identifies one S3 event: its key and its version id, or its sequencer."""
    obj = record["s3"]["object"]
    return obj["key"], obj.get("versionId") or obj.get("sequencer") or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", type=Path, required=True)
    parser.add_argument("--drops", type=int, default=500)
    parser.add_argument("--consumers", type=int, default=1)
    args = parser.parse_args()
    outputs = {name: value["value"] for name, value in json.loads(args.outputs.read_text()).items()}
    s3, bucket = boto3.client("s3"), outputs["lake_bucket"]
    handler = deployed_handler(boto3.client("lambda"), outputs["functions"]["landing"])

    started = time.monotonic()
    files = drops(args.drops)
    for key, text in files.items():
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
    print(f"uploaded {len(files)} drops in {time.monotonic() - started:.0f} s", file=sys.stderr)
    consumed = consume(
        boto3.client("sqs"),
        outputs["landing_queue_url"],
        handler,
        function_name=outputs["functions"]["landing"],
        consumers=args.consumers,
    )
    print(
        f"consumed in {consumed.invocations} invocations, {consumed.failures} batch item "
        f"failures, {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )

    events = [record for body in consumed.bodies for record in body.get("Records", [])]
    records = landing_records(s3, bucket)
    landed = sum(records.get(key, {}).get("status") in LANDED for key in files)
    lost = len(files) - landed
    duplicates = len(events) - len({delivery(record) for record in events})
    refreshes = len(
        boto3.client("stepfunctions").list_executions(stateMachineArn=outputs["state_machine_arn"])[
            "executions"
        ]
    )
    print(
        f"burst: events {len(events)}, landed {landed}, duplicates {duplicates}, "
        f"lost {lost}, refreshes {refreshes}"
    )
    return 0 if lost == 0 and refreshes == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
