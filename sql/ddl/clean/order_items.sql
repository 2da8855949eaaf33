-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/order_items/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`order_items` (
  `order_id` string,
  `order_item_id` int,
  `product_id` string,
  `seller_id` string,
  `shipping_limit_date` timestamp COMMENT 'local time, no time zone',
  `price` decimal(12,2) COMMENT 'BRL, exact decimal',
  `freight_value` decimal(12,2) COMMENT 'BRL, exact decimal'
)
COMMENT 'One row per item of an order.'
STORED AS PARQUET
LOCATION '${location}'
