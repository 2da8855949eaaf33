# S3 object-created events under raw/ invoke the landing function directly (asynchronously).
# No suffix filter: a file that is not an Olist CSV gets a logged failure record from the handler.

resource "aws_lambda_permission" "landing_from_s3" {
  statement_id   = "AllowLakeBucketInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this["landing"].function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.lake.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "lake" {
  bucket = aws_s3_bucket.lake.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.this["landing"].arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = local.zones.raw
  }

  depends_on = [aws_lambda_permission.landing_from_s3]
}
