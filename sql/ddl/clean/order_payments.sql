-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/order_payments/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`order_payments` (
  `order_id` string,
  `payment_sequential` int,
  `payment_type` string,
  `payment_installments` int,
  `payment_value` decimal(12,2) COMMENT 'BRL, exact decimal'
)
COMMENT 'One row per payment of an order (several for vouchers and split payments).'
STORED AS PARQUET
LOCATION '${location}'
