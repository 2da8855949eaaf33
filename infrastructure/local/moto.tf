# Used only by deploy_local.sh (the rehearsal and `make burst`), copied with moto_override.tf
# beside the module's files in a scratch directory: the moto server's endpoint.

variable "moto_endpoint" {
  description = "The moto server's URL, e.g. http://127.0.0.1:5055."
  type        = string
}
