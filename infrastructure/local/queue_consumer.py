"""Consume the deployed landing queue as Lambda's SQS event source mapping does, in process.

moto cannot run Lambda code, so the rehearsals play the event source mapping: receive up to a
batch of messages, invoke the handler with the SQS event Lambda would build, delete the messages it
did not report in `batchItemFailures`. `consumers` threads poll at once, as the mapping's maximum
concurrency allows; one consumer lands the messages one batch at a time.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass
class Consumed:
    """What the consumers saw: every message body received, and the batch item failures."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    failures: int = 0
    invocations: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda passes for a batch received from the queue."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def consume(
    sqs: Any,
    queue_url: str,
    handler: Callable[[dict, Any], dict],
    *,
    function_name: str,
    batch_size: int = 10,
    consumers: int = 1,
    idle_seconds: float = 3.0,
) -> Consumed:
    """Drain the queue: run until a consumer received nothing for `idle_seconds` since its last batch."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    queue_arn = attributes["Attributes"]["QueueArn"]
    region = queue_arn.split(":")[3]
    consumed = Consumed()

    def poll() -> None:
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < idle_seconds:
            received = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=batch_size,
                AttributeNames=["All"],
                WaitTimeSeconds=1,
            ).get("Messages", [])
            if not received:
                continue
            context = SimpleNamespace(aws_request_id=str(uuid.uuid4()), function_name=function_name)
            response = handler(sqs_event(received, queue_arn, region), context)
            failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
            done = [m for m in received if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done)
                    ],
                )
            with consumed.lock:
                consumed.bodies += [json.loads(m["Body"]) for m in received]
                consumed.failures += len(failed)
                consumed.invocations += 1
            idle_since = time.monotonic()

    # The handler prints its EMF metric lines to standard output, as in Lambda; here they belong with
    # its logs on standard error, so the rehearsals' standard output holds only their results.
    with contextlib.redirect_stdout(sys.stderr), ThreadPoolExecutor(max_workers=consumers) as pool:
        for future in [pool.submit(poll) for _ in range(consumers)]:
            future.result()
    return consumed
