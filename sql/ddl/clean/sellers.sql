-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/sellers/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`sellers` (
  `seller_id` string,
  `seller_zip_code_prefix` string COMMENT '5-digit zip prefix, leading zeros kept',
  `seller_city` string,
  `seller_state` string COMMENT 'Brazilian state (UF)'
)
COMMENT 'Sellers with their (messy) city and state.'
STORED AS PARQUET
LOCATION '${location}'
