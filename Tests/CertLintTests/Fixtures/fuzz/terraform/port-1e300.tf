resource "aws_lb_listener" "l" {
  port     = 1e300
  protocol = "TLS"
}
