# S3 object-created and object-removed events under raw/ go to the landing queue (queue.tf). No
# suffix filter: a file that is not an Olist CSV gets a rejected run record and a failure record
# from the landing. Deleting a raw object (a delete marker in the versioned lake, or a version
# deleted for good) is how a user removes a batch in AWS: the landing removes it from its table if
# the key is still absent when the event is handled (docs/architecture.md, Landing).

resource "aws_s3_bucket_notification" "lake" {
  bucket = aws_s3_bucket.lake.id

  queue {
    queue_arn     = aws_sqs_queue.landing.arn
    events        = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
    filter_prefix = local.zones.raw
  }

  depends_on = [aws_sqs_queue_policy.landing]
}
