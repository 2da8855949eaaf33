-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/orders/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`orders` (
  `order_id` string,
  `customer_id` string,
  `order_status` string,
  `order_purchase_timestamp` timestamp COMMENT 'local time, no time zone',
  `order_approved_at` timestamp COMMENT 'local time, no time zone',
  `order_delivered_carrier_date` timestamp COMMENT 'local time, no time zone',
  `order_delivered_customer_date` timestamp COMMENT 'local time, no time zone',
  `order_estimated_delivery_date` timestamp COMMENT 'local time, no time zone'
)
COMMENT 'One row per order with its status and lifecycle timestamps.'
STORED AS PARQUET
LOCATION '${location}'
