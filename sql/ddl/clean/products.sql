-- Generated from olist_assets/core/contracts.py by `python -m olist_assets.core.business.ddl`: do not edit.
-- Placeholders: database, the clean layer's Glue database; location, the table's folder s3://<bucket>/<prefix>/clean/products/
CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`products` (
  `product_id` string,
  `product_category_name` string,
  `product_name_length` int,
  `product_description_length` int,
  `product_photos_qty` int,
  `product_weight_g` int,
  `product_length_cm` int,
  `product_height_cm` int,
  `product_width_cm` int
)
COMMENT 'Product catalogue; the source misspells two length columns, fixed here.'
STORED AS PARQUET
LOCATION '${location}'
