# One Glue database per layer of tables: clean, business and quarantine. The tables themselves are
# Apache Iceberg tables created and committed by pyiceberg from the functions (their one owner);
# Terraform owns only the databases, so a refresh never drifts from the configuration.

resource "aws_glue_catalog_database" "clean" {
  name        = local.clean_database
  description = "Clean layer: typed, deduplicated Olist tables (Iceberg, under clean/)."
}

resource "aws_glue_catalog_database" "business" {
  name        = local.business_database
  description = "Business layer: star schema and marts rebuilt by the refresh state machine (under business/)."
}

resource "aws_glue_catalog_database" "quarantine" {
  name        = local.quarantine_database
  description = "Quarantine: rejected raw rows with the reason, file, line and column (Iceberg, under quarantine/)."
}
