-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/geolocation/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`geolocation` (
  `geolocation_zip_code_prefix` string COMMENT '5-digit zip prefix, leading zeros kept',
  `geolocation_lat` double,
  `geolocation_lng` double,
  `geolocation_city` string,
  `geolocation_state` string COMMENT 'Brazilian state (UF)'
)
COMMENT 'Points per zip prefix; exact duplicate rows are dropped.'
STORED AS PARQUET
LOCATION '${location}'
