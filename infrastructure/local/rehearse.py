"""Drive the deployed event path on moto with a generated dataset and check the clean layer appeared.

Run by deploy_local.sh after `terraform apply` against the moto server (AWS_ENDPOINT_URL points
boto3 there), and with --destroyed after the teardown. The files are uploaded under raw/; the lake
bucket's notifications put their events in the Terraform-made landing queue; moto cannot run
Lambda code (no Docker here), so queue_consumer.py plays the event source mapping and runs the
handler named in the function's deployed configuration, in process, with the environment Terraform
set on it. The Iceberg tables the landings commit are then read back through pyiceberg and the Glue
catalog. Prints one line per check; exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import boto3
from queue_consumer import consume

from olist_assets.core import lake, runs
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN, QUARANTINE, MissingTableError
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables

LANDED = {"cleaned", "unchanged"}


def upload_dataset(s3: Any, bucket: str, scale: float) -> list[str]:
    """Generate the nine Olist-shaped files and upload them under raw/, as a user would."""
    keys = []
    with tempfile.TemporaryDirectory(prefix="olist-rehearsal-") as folder:
        generate_dataset(Path(folder), scale=scale, seed=11)
        for path in sorted(Path(folder).glob("*.csv")):
            key = f"{lake.RAW}/{path.name}"
            s3.upload_file(str(path), bucket, key)
            keys.append(key)
    return keys


def deployed_handler(lambda_client: Any, function_name: str) -> Any:
    """The handler the function is configured with, its environment applied to this process."""
    config = lambda_client.get_function_configuration(FunctionName=function_name)
    os.environ.update(config["Environment"]["Variables"])
    module_name, _, attribute = config["Handler"].rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def landing_records(s3: Any, bucket: str) -> dict[str, dict[str, Any]]:
    """Raw key -> its latest landing run record, from runs/landing/."""
    records: dict[str, dict[str, Any]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=runs.LANDING):
        for item in page.get("Contents", []):
            record = json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
            records[record["raw_key"]] = record
    return records


def check(name: str, passed: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if passed else 'FAIL'} {name}{': ' + detail if detail else ''}")
    return passed


def wiring_checks(outputs: dict[str, Any]) -> list[bool]:
    """raw/ events go to the landing queue, which the landing function consumes in batches."""
    s3, lambda_client = boto3.client("s3"), boto3.client("lambda")
    queue_arn = boto3.client("sqs").get_queue_attributes(
        QueueUrl=outputs["landing_queue_url"], AttributeNames=["QueueArn", "RedrivePolicy"]
    )["Attributes"]
    notification = s3.get_bucket_notification_configuration(Bucket=outputs["lake_bucket"])
    queues = [c["QueueArn"] for c in notification.get("QueueConfigurations", [])]
    landing = lambda_client.get_function(FunctionName=outputs["functions"]["landing"])
    mappings = lambda_client.list_event_source_mappings(EventSourceArn=queue_arn["QueueArn"])[
        "EventSourceMappings"
    ]
    redrive = json.loads(queue_arn["RedrivePolicy"])
    return [
        check("raw/ events go to the landing queue", queues == [queue_arn["QueueArn"]]),
        check(
            "the landing function consumes the queue",
            [m["FunctionArn"] for m in mappings] == [landing["Configuration"]["FunctionArn"]],
        ),
        check(
            "failed messages move to the landing dead-letter queue",
            redrive["deadLetterTargetArn"].endswith("-landing-dead-letter"),
            f"after {redrive['maxReceiveCount']} receives",
        ),
    ]


def clean_layer_checks(outputs: dict[str, Any], keys: list[str]) -> list[bool]:
    """Every uploaded file landed, and its table is an Iceberg table in Glue at its current metadata,
    holding the rows its run record counts (read through pyiceberg), with the contract's columns
    and _batch."""
    records = landing_records(boto3.client("s3"), outputs["lake_bucket"])
    tables = open_tables(outputs["lake_url"], os.environ)
    glue = boto3.client("glue")
    databases = tables.config.databases
    results = [
        check("every file landed", all(records.get(k, {}).get("status") in LANDED for k in keys)),
        check(
            "the functions use the Glue databases Terraform created",
            all(databases[layer] == name for layer, name in outputs["glue_databases"].items()),
            json.dumps(databases),
        ),
    ]
    for record in (records[key] for key in keys if key in records):
        name, batch = record["table"], record["raw_key"].removeprefix(f"{lake.RAW}/")
        table = tables.load(CLEAN, name)
        glue_table = glue.get_table(DatabaseName=databases[CLEAN], Name=name)["Table"]
        parameters = glue_table.get("Parameters", {})
        results.append(
            check(
                f"glue {databases[CLEAN]}.{name} is the Iceberg table at its current metadata",
                table is not None
                and parameters.get("table_type", "").upper() == "ICEBERG"
                and parameters.get("metadata_location") == table.metadata_location,
                parameters.get("metadata_location", "no metadata_location"),
            )
        )
        if table is None:
            continue
        snapshot = table.current_snapshot()
        results.append(
            check(
                f"clean.{name} snapshot is the one the run record names",
                snapshot is not None and snapshot.snapshot_id == record["snapshot_id"],
                str(record["snapshot_id"]),
            )
        )
        rows = _rows_of(tables, CLEAN, name, batch)
        results.append(
            check(f"clean.{name} rows of {batch}", rows == record["rows_clean"], f"{rows} rows")
        )
        quarantined = _rows_of(tables, QUARANTINE, name, batch)
        results.append(
            check(
                f"quarantine.{name} rows of {batch}",
                quarantined == record["rows_quarantined"],
                f"{quarantined} rows",
            )
        )
        columns = [(c["Name"], c["Type"]) for c in glue_table["StorageDescriptor"]["Columns"]]
        expected = [(c.name, c.athena_type) for c in CONTRACTS[name].columns]
        results.append(
            check(f"glue {name} columns", columns == [*expected, (BATCH_COLUMN, "string")])
        )
    return results


def _rows_of(tables: IcebergTables, namespace: str, name: str, batch: str) -> int:
    """Rows of one batch in a table's current snapshot, read through pyiceberg."""
    try:
        column = tables.scan(namespace, name, [BATCH_COLUMN]).read_all()[BATCH_COLUMN]
    except MissingTableError:
        return -1
    return sum(1 for value in column.to_pylist() if value == batch)


def leftovers() -> dict[str, list[str]]:
    """What is still in the emulated account after the teardown: should be nothing."""
    found = {
        "buckets": [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]],
        "functions": [
            f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]
        ],
        "layers": [ly["LayerName"] for ly in boto3.client("lambda").list_layers()["Layers"]],
        "state machines": [
            m["name"] for m in boto3.client("stepfunctions").list_state_machines()["stateMachines"]
        ],
        "glue databases": [d["Name"] for d in boto3.client("glue").get_databases()["DatabaseList"]],
        "queues": boto3.client("sqs").list_queues().get("QueueUrls", []),
        "topics": [t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]],
        "roles": [r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]],
    }
    return {kind: names for kind, names in found.items() if names}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", type=Path, help="`terraform output -json` of the deployment")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--destroyed", action="store_true", help="check nothing is left instead")
    args = parser.parse_args()
    if args.destroyed:
        left = leftovers()
        return 0 if check("teardown left nothing behind", not left, json.dumps(left)) else 1
    outputs = {name: value["value"] for name, value in json.loads(args.outputs.read_text()).items()}
    results = wiring_checks(outputs)

    handler = deployed_handler(boto3.client("lambda"), outputs["functions"]["landing"])
    keys = upload_dataset(boto3.client("s3"), outputs["lake_bucket"], args.scale)
    consumed = consume(
        boto3.client("sqs"),
        outputs["landing_queue_url"],
        handler,
        function_name=outputs["functions"]["landing"],
    )
    events = [body for body in consumed.bodies if "Records" in body]
    results.append(check("one event per uploaded file", len(events) == len(keys), f"{len(events)}"))
    results.append(check("no batch item failures", consumed.failures == 0))
    results += clean_layer_checks(outputs, keys)

    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=outputs["state_machine_arn"]
    )["executions"]
    results.append(
        check("the burst started one refresh", len(executions) == 1, f"{len(executions)}")
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
