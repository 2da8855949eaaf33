"""A lake bucket, Glue databases and state machine on a moto server, and S3 events from tests/events/.

A moto server (in this process) rather than `mock_aws`: pyiceberg and pyarrow reach S3 with their
own client, which only a real endpoint serves. Its backends are still this process's, so tests
read and patch them directly (Lambda invoke, SNS notifications).
"""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, quote_plus, urlparse

import boto3
import pytest
from moto.core.config import default_user_config

from olist_assets import settings
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BUSINESS, CLEAN, QUARANTINE
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables

EVENTS = Path(__file__).resolve().parents[2] / "events"
TEMPLATE = (
    Path(__file__).resolve().parents[3] / "infrastructure/templates/refresh_business.asl.json"
)
REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "olist-lake-test"
CLEAN_DATABASE = "olist_clean"
QUARANTINE_DATABASE = "olist_quarantine"
BUSINESS_DATABASE = "olist_business"
DATABASES = {CLEAN: CLEAN_DATABASE, QUARANTINE: QUARANTINE_DATABASE, BUSINESS: BUSINESS_DATABASE}
METRICS_NAMESPACE = "olist-test"
FUNCTION_PREFIX = "olist-"
SFN_DEBOUNCE_SECONDS = 2
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SEQUENCE = itertools.count(1)


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION_PREFIX}{name}"


def render_state_machine() -> str:
    """The definition as Terraform's templatefile renders it: every ${name} a function ARN."""
    values = {f"{name}_function_arn": function_arn(name) for name in settings.LAMBDA_FUNCTIONS}
    text = TEMPLATE.read_text()
    names = set(re.findall(r"\$\{(\w+)\}", text))
    assert names <= set(values), f"unknown template variables: {names - set(values)}"
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], text)


def render_event(template: str, **values: object) -> dict:
    """A sample event with its {{placeholders}} replaced; a whole-string placeholder keeps its type."""

    def fill(node):
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value) for value in node]
        if isinstance(node, str):
            whole = PLACEHOLDER.fullmatch(node)
            if whole:
                return values[whole.group(1)]
            return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), node)
        return node

    return fill(json.loads((EVENTS / template).read_text()))


def encode_key(template: str, key: str) -> str:
    """Keys as S3 encodes them: form encoding in notifications, percent encoding in EventBridge."""
    return quote(key, safe="/") if template.startswith("eventbridge") else quote_plus(key, safe="/")


@dataclass
class Lake:
    """The deployed pieces the handlers talk to, and helpers to land files and build their events."""

    session: boto3.Session
    bucket: str
    state_machine_arn: str

    @property
    def s3(self):
        return self.session.client("s3")

    def put(self, key: str, body: bytes | str) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def event(self, key: str, template: str = "s3_object_created.json", **override) -> dict:
        """The event S3 sends for the object now at `key` (override fields to fake an old one)."""
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        values = {
            "bucket": self.bucket,
            "key": encode_key(template, key),
            "size": head["ContentLength"],
            "etag": head["ETag"].strip('"'),
            "version_id": head.get("VersionId"),
            "sequencer": f"{next(_SEQUENCE):018X}",
        }
        return render_event(template, **(values | override))

    def delete(self, key: str, template: str = "s3_object_removed.json") -> dict:
        """Delete the object at `key` and return the event S3 sends for it: a delete marker's in a
        versioned bucket, a plain deletion's otherwise."""
        version_id = self.s3.delete_object(Bucket=self.bucket, Key=key).get("VersionId")
        versioned = version_id is not None
        return render_event(
            template,
            bucket=self.bucket,
            key=encode_key(template, key),
            version_id=version_id,
            sequencer=f"{next(_SEQUENCE):018X}",
            event_name="ObjectRemoved:DeleteMarkerCreated" if versioned else "ObjectRemoved:Delete",
            deletion_type="Delete Marker Created" if versioned else "Permanently Deleted",
        )

    def sqs_batch(self, *events: dict) -> dict:
        """The SQS batch Lambda receives from the landing queue: one S3 notification per message."""
        return {
            "Records": [
                {
                    "messageId": f"m{index:02d}",
                    "receiptHandle": f"handle-{index}",
                    "body": json.dumps(event),
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:olist-landing",
                    "awsRegion": REGION,
                }
                for index, event in enumerate(events)
            ]
        }

    def keys(self, prefix: str) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def json(self, key: str) -> dict:
        return json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def tables(self) -> IcebergTables:
        """The lake's Iceberg tables, in the Glue catalog the deployment's settings name."""
        return open_tables(f"s3://{self.bucket}/", os.environ, session=self.session)

    def glue_table(self, namespace: str, name: str) -> dict:
        """The Glue table of `<namespace>.<name>` (clean, quarantine, business)."""
        glue = self.session.client("glue")
        return glue.get_table(DatabaseName=DATABASES[namespace], Name=name)["Table"]

    def glue_tables(self, namespace: str) -> list[str]:
        glue = self.session.client("glue")
        listed = glue.get_tables(DatabaseName=DATABASES[namespace])["TableList"]
        return sorted(table["Name"] for table in listed)


def lambda_context(name: str) -> SimpleNamespace:
    return SimpleNamespace(
        aws_request_id=f"req-{next(_SEQUENCE)}",
        function_name=f"{FUNCTION_PREFIX}{name}",
        invoked_function_arn=function_arn(name),
    )


def deploy(
    monkeypatch: pytest.MonkeyPatch, debounce_seconds: int = 60, versioned: bool = True
) -> Lake:
    """Create what Terraform would (bucket, Glue databases, topic, state machine) and set every env
    var; pyiceberg creates and updates the Glue tables."""
    session = boto3.Session(region_name=REGION)
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    if versioned:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for database in DATABASES.values():
        session.client("glue").create_database(DatabaseInput={"Name": database})
    topic = session.client("sns").create_topic(Name="olist-failures")["TopicArn"]
    machine = session.client("stepfunctions").create_state_machine(
        name="olist-refresh-business",
        definition=render_state_machine(),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/olist-refresh-business",
    )
    for name, value in {
        settings.LAKE_URL: f"s3://{BUCKET}/",
        settings.GLUE_DATABASE_CLEAN: CLEAN_DATABASE,
        settings.GLUE_DATABASE_QUARANTINE: QUARANTINE_DATABASE,
        settings.GLUE_DATABASE_BUSINESS: BUSINESS_DATABASE,
        settings.CATALOG: "glue",
        settings.METRICS_NAMESPACE: METRICS_NAMESPACE,
        settings.ATHENA_WORKGROUP: "olist",
        settings.STATE_MACHINE_ARN: machine["stateMachineArn"],
        settings.REFRESH_DEBOUNCE_SECONDS: str(debounce_seconds),
        settings.FAILURE_TOPIC_ARN: topic,
        settings.CODE_VERSION: "test-0000000",
    }.items():
        monkeypatch.setenv(name, value)
    return Lake(session, BUCKET, machine["stateMachineArn"])


@pytest.fixture
def lake_aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Lake:
    """The lake deployed on moto (state machine executions recorded, not run)."""
    return deploy(monkeypatch)


@pytest.fixture(params=["versioned", "unversioned"])
def lake_any(request, moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Lake:
    """The lake deployed on moto, once on a versioned bucket and once on an unversioned one."""
    return deploy(monkeypatch, versioned=request.param == "versioned")


@pytest.fixture
def lake_sfn(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Lake:
    """The lake deployed on moto with state machine executions run (Lambda without Docker)."""
    monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": True})
    monkeypatch.setitem(default_user_config, "lambda", {"use_docker": False})
    # the executions call Lambda through the server at localhost:MOTO_PORT
    monkeypatch.setenv("MOTO_PORT", str(urlparse(moto_server).port))
    return deploy(monkeypatch, debounce_seconds=SFN_DEBOUNCE_SECONDS)


def _id(n: int, kind: str) -> str:
    return f"{kind}{n:0{32 - len(kind)}x}"


def small_dataset() -> dict[str, str]:
    """A few rows of each Olist file, with one unparseable order date and one duplicate point."""
    customer, order, product, seller = _id(1, "c"), _id(1, "a"), _id(1, "b"), _id(1, "d")
    other_order = _id(2, "a")
    rows = {
        "customers": [f'"{customer}","{_id(9, "e")}","01310","sao paulo",SP'],
        "geolocation": ['"01310",-23.56,-46.65,sao paulo,SP'] * 2 + ['"20040",-22.9,-43.17,rio,RJ'],
        "orders": [
            f'"{order}","{customer}",delivered,2018-01-02 10:00:00,2018-01-02 11:00:00,'
            "2018-01-04 09:00:00,2018-01-08 15:00:00,2018-01-20 00:00:00",
            f'"{other_order}","{customer}",shipped,not a date,,,,2018-02-20 00:00:00',
        ],
        "order_items": [f'"{order}",1,"{product}","{seller}",2018-01-05 00:00:00,59.90,12.50'],
        "order_payments": [f'"{order}",1,credit_card,3,72.40'],
        "order_reviews": [
            f'"{_id(3, "f")}","{order}",5,,"ótimo, chegou antes",2018-01-09 00:00:00,'
            "2018-01-10 12:00:00"
        ],
        "products": [f'"{product}","beleza_saude",40,300,2,500,20,10,15'],
        "sellers": [f'"{seller}","13023",campinas,SP'],
        "product_category_translation": ["beleza_saude,health_beauty"],
    }
    return {
        CONTRACTS[table].file_name: _header(table) + "\n".join(lines) + "\n"
        for table, lines in rows.items()
    }


def _header(table: str) -> str:
    contract = CONTRACTS[table]
    quote_mark = '"' if contract.header_quoted else ""
    return ",".join(f"{quote_mark}{name}{quote_mark}" for name in contract.source_columns) + "\n"


@pytest.fixture
def context():
    """A Lambda context with a fresh request id per call."""
    return lambda name="landing": lambda_context(name)


@pytest.fixture
def dataset() -> dict[str, str]:
    return small_dataset()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, bytes]:
    """The built-in generator's nine files at scale 0.01 (about a thousand orders), by file name."""
    from olist_assets.generator.dataset import generate_dataset

    folder = tmp_path_factory.mktemp("generated")
    generate_dataset(folder, scale=0.01, seed=7)
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}
