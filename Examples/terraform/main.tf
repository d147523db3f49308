# The AWS deployment of Workspace ONE Access: an ALB re-encrypts 443, an NLB carries 5262.
variable "cert_proxy_protocol" {
  description = "Protocol of the 5262 listener; must stay TCP (passthrough)"
  type        = string
  default     = "TCP"
}

module "access_lb" {
  source              = "./modules/access-lb"
  vip                 = "access-aws.example.com"
  nodes               = ["wsa1.aws.example.internal", "wsa2.aws.example.internal"]
  cert_proxy_protocol = var.cert_proxy_protocol
}
