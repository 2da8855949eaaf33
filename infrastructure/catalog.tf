# One Glue database per queried layer; the clean tables are defined from the table contracts
# (generated/clean_tables.json). Clean tables are not partitioned (one Parquet file per landed
# batch under clean/<table>/), so there is nothing to project and no crawler or MSCK REPAIR to run.
# The business tables are created by the build_table function's Athena statements (sql/).

resource "aws_glue_catalog_database" "clean" {
  name        = local.clean_database
  description = "Clean layer: typed, deduplicated Olist tables (Parquet under clean/)."
}

resource "aws_glue_catalog_database" "business" {
  name        = local.business_database
  description = "Business layer: tables rebuilt on Athena by the refresh state machine (Parquet under business/)."
}

resource "aws_glue_catalog_table" "clean" {
  for_each = local.clean_tables

  name          = each.key
  database_name = aws_glue_catalog_database.clean.name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL       = "TRUE"
    classification = "parquet"
  }

  storage_descriptor {
    location      = "s3://${aws_s3_bucket.lake.bucket}/${each.value.prefix}"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      name                  = "parquet"
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}
