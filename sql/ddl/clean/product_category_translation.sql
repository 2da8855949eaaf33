-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/product_category_translation/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`product_category_translation` (
  `product_category_name` string,
  `product_category_name_english` string
)
COMMENT 'Portuguese category name to English.'
STORED AS PARQUET
LOCATION '${location}'
