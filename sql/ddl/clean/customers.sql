-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/customers/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`customers` (
  `customer_id` string COMMENT 'one per order',
  `customer_unique_id` string COMMENT 'the person',
  `customer_zip_code_prefix` string COMMENT '5-digit zip prefix, leading zeros kept',
  `customer_city` string,
  `customer_state` string COMMENT 'Brazilian state (UF)'
)
COMMENT 'One row per order\'s customer id; customer_unique_id identifies the person.'
STORED AS PARQUET
LOCATION '${location}'
