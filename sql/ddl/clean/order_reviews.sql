-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/order_reviews/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`order_reviews` (
  `review_id` string,
  `order_id` string,
  `review_score` int,
  `review_comment_title` string,
  `review_comment_message` string,
  `review_creation_date` timestamp COMMENT 'local time, no time zone',
  `review_answer_timestamp` timestamp COMMENT 'local time, no time zone'
)
COMMENT 'Customer reviews; a review_id can cover several orders.'
STORED AS PARQUET
LOCATION '${location}'
