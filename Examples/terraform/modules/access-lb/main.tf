variable "vip" { type = string }
variable "nodes" { type = list(string) }
variable "cert_proxy_protocol" { type = string }

locals {
  heartbeat = "/SAAS/API/1.0/REST/system/health/heartbeat"
}

resource "aws_acm_certificate" "access" {
  domain_name               = var.vip
  subject_alternative_names = var.nodes
  validation_method         = "DNS"
}

resource "aws_lb" "web" {
  name               = "access-web"
  load_balancer_type = "application"
}

resource "aws_lb" "cert_proxy" {
  name               = "access-cert-proxy"
  load_balancer_type = "network"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.access.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.https.arn
  }
}

resource "aws_lb_target_group" "https" {
  port     = 443
  protocol = "HTTPS"
  health_check {
    path = local.heartbeat
  }
}

resource "aws_lb_target_group_attachment" "https" {
  count            = length(var.nodes)
  target_group_arn = aws_lb_target_group.https.arn
  target_id        = var.nodes[count.index]
}

resource "aws_lb_listener" "cert_proxy" {
  load_balancer_arn = aws_lb.cert_proxy.arn
  port              = 5262
  protocol          = var.cert_proxy_protocol
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.cert_proxy.arn
  }
}

resource "aws_lb_target_group" "cert_proxy" {
  port     = 5262
  protocol = "TCP"
}

resource "aws_lb_target_group_attachment" "cert_proxy" {
  count            = length(var.nodes)
  target_group_arn = aws_lb_target_group.cert_proxy.arn
  target_id        = var.nodes[count.index]
}
