resource "aws_lb_listener" "l" {
  count = 1e12
  port  = 5262
}
