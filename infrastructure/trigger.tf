# S3 object-created events under raw/ go to the landing queue (queue.tf). No suffix filter: a file
# that is not an Olist CSV gets a rejected run record and a failure record from the landing.

resource "aws_s3_bucket_notification" "lake" {
  bucket = aws_s3_bucket.lake.id

  queue {
    queue_arn     = aws_sqs_queue.landing.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.zones.raw
  }

  depends_on = [aws_sqs_queue_policy.landing]
}
