# Used only by deploy_local.sh, copied with moto_override.tf beside the module's files in a scratch
# directory. What moto needs that the real deployment does not: its endpoint and a stand-in layer.

variable "moto_endpoint" {
  description = "The moto server's URL, e.g. http://127.0.0.1:5055."
  type        = string
}

variable "moto_layer_zip" {
  description = "A zip to publish as the stand-in layer version."
  type        = string
}

# Gap: moto only knows layers published in its own account, not the AWS SDK for pandas managed
# layer (account 336392948345). A layer of the same name is published in moto and used instead;
# moto never runs function code, so the layer's content does not matter.
resource "aws_lambda_layer_version" "moto_stand_in" {
  layer_name               = "AWSSDKPandas-Python312-Arm64"
  filename                 = var.moto_layer_zip
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}
