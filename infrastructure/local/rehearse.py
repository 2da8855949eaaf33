"""Drive the deployed landing function against moto, as S3 would, and check the clean tables appeared.

Run by deploy_local.sh after `terraform apply` against the moto server (AWS_ENDPOINT_URL points
boto3 there), and with --destroyed after `terraform destroy`. Moto cannot run Lambda code (no Docker here), so each S3 event is passed in-process to
the handler named in the function's deployed configuration, with the environment Terraform set on
it; the Iceberg tables it commits are then read back through pyiceberg and the Glue catalog.
Prints one line per landed file and per check; exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_plus

import boto3

from olist_assets.core import lake
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN, QUARANTINE, MissingTableError
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables


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


def s3_event(s3: Any, bucket: str, key: str) -> dict[str, Any]:
    """The direct S3 notification the bucket sends the landing function for this object."""
    head = s3.head_object(Bucket=bucket, Key=key)
    s3_object = {
        "key": quote_plus(key, safe="/"),
        "size": head["ContentLength"],
        "eTag": head["ETag"].strip('"'),
        "versionId": head.get("VersionId"),
        "sequencer": uuid.uuid4().hex[:16].upper(),
    }
    record = {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "eventTime": head["LastModified"].isoformat(),
        "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}, "object": s3_object},
    }
    return {"Records": [record]}


def deployed_handler(lambda_client: Any, function_name: str) -> Any:
    """The handler the function is configured with, its environment applied to this process."""
    config = lambda_client.get_function_configuration(FunctionName=function_name)
    os.environ.update(config["Environment"]["Variables"])
    module_name, _, attribute = config["Handler"].rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def check(name: str, passed: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if passed else 'FAIL'} {name}{': ' + detail if detail else ''}")
    return passed


def clean_layer_checks(outputs: dict[str, Any], records: list[dict[str, Any]]) -> list[bool]:
    """Each landed file's table is an Iceberg table in Glue at its current metadata, holding the
    rows its run record counts (read through pyiceberg), with the contract's columns and _batch."""
    tables = open_tables(outputs["lake_url"], os.environ)
    glue = boto3.client("glue")
    databases = tables.config.databases
    results = [
        check(
            "the functions use the Glue databases Terraform created",
            all(databases[layer] == name for layer, name in outputs["glue_databases"].items()),
            json.dumps(databases),
        )
    ]
    for record in records:
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
    """What is still in the emulated account after `terraform destroy`: should be nothing."""
    found = {
        "buckets": [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]],
        "functions": [
            f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]
        ],
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
        return 0 if check("destroy left nothing behind", not left, json.dumps(left)) else 1
    outputs = {name: value["value"] for name, value in json.loads(args.outputs.read_text()).items()}
    s3, sfn = boto3.client("s3"), boto3.client("stepfunctions")
    bucket = outputs["lake_bucket"]

    # Gap: moto evaluates bucket policies without the request's context, so the TLS-only Deny
    # (aws:SecureTransport = false) matches every request, HTTPS or not. Terraform applied the
    # policy (terraform test asserts its content); it is lifted here so the rehearsal can write.
    s3.delete_bucket_policy(Bucket=bucket)
    print("note lake bucket policy lifted: moto cannot evaluate aws:SecureTransport")

    notification = s3.get_bucket_notification_configuration(Bucket=bucket)
    landing_arn = boto3.client("lambda").get_function(FunctionName=outputs["functions"]["landing"])
    wired = [c["LambdaFunctionArn"] for c in notification.get("LambdaFunctionConfigurations", [])]
    results = [
        check(
            "raw/ notifies the landing function",
            wired == [landing_arn["Configuration"]["FunctionArn"]],
        )
    ]

    handler = deployed_handler(boto3.client("lambda"), outputs["functions"]["landing"])
    records = []
    for key in upload_dataset(s3, bucket, args.scale):
        context = SimpleNamespace(aws_request_id=str(uuid.uuid4()), function_name="landing")
        (record,) = handler(s3_event(s3, bucket, key), context)["objects"]
        print(f"     landed {key}: {record['status']}, {record.get('rows_clean')} clean rows")
        records.append(record)
    results.append(check("every file cleaned", all(r["status"] == "cleaned" for r in records)))
    results += clean_layer_checks(outputs, records)

    executions = sfn.list_executions(stateMachineArn=outputs["state_machine_arn"])["executions"]
    results.append(
        check(
            "a business refresh was requested",
            len(executions) >= 1,
            f"{len(executions)} execution(s)",
        )
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
