/// CP031 for a cert proxy listener whose protocol or load balancer cannot be evaluated.
struct UnknownListenerRule: Rule {
    let ruleIDs: [RuleID] = [.cp031]
    let examples: [RuleExample] = [
        RuleExample(
            id: .cp031, what: "a Terraform cert proxy listener whose protocol comes from a variable without a value",
            triggers: true,
            files: UnknownListenerRule.networkLoadBalancer("↓protocol          = var.cert_proxy_protocol"),
            replacements: [UnknownListenerRule.listingIt],
            messages: [
                "deployment access: the aws_lb_listener.cert_proxy listener on port 5262 has facts certlint cannot evaluate: protocol (var.cert_proxy_protocol has no default and no value in a tfvars file or module call); give the values in a tfvars file, and the checks of port 5262 will run"
            ]),
        RuleExample(
            id: .cp031, what: "the same listener with the protocol given", triggers: false,
            files: UnknownListenerRule.networkLoadBalancer("protocol          = \"TCP\""),
            replacements: [UnknownListenerRule.listingIt]),
    ]

    /// `lb/main.tf`: a Network Load Balancer whose 5262 listener has `protocolLine`.
    static func networkLoadBalancer(_ protocolLine: String) -> [String: String] {
        [
            "lb/main.tf": """
            variable "cert_proxy_protocol" {}

            resource "aws_lb" "access" {
              name               = "access"
              load_balancer_type = "network"
            }

            resource "aws_lb_listener" "cert_proxy" {
              load_balancer_arn = aws_lb.access.arn
              port              = 5262
              \(protocolLine)
              default_action {
                type             = "forward"
                target_group_arn = aws_lb_target_group.cert_proxy.arn
              }
            }

            resource "aws_lb_target_group" "cert_proxy" {
              port     = 5262
              protocol = "TCP"
            }

            """
        ]
    }

    /// The manifest lists `lb/main.tf` beside the HAProxy configuration.
    static let listingIt = (
        path: ExampleRepository.manifest, old: "    service-certificate: certs/node.pem\n",
        new: "    service-certificate: certs/node.pem\n    load-balancer: [lb/haproxy.cfg, lb/main.tf]\n"
    )

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            for joined in topology.listeners(.certProxy) + topology.listeners(.secondary)
            where !joined.listener.unknowns.isEmpty {
                let listener = joined.listener
                evaluation.report(
                    .cp031, "\(topology.subject) / listener \(listener.port) (\(listener.name))", at: listener.location,
                    .unknownFacts(topology, listener))
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func unknownFacts(_ topology: DeploymentTopology, _ listener: Listener) -> Self {
        Self(
            "deployment \(topology.name): the \(listener.name) listener on port \(listener.port) has facts certlint cannot evaluate: \(listener.unknowns.joined(separator: "; ")); give the values in a tfvars file, and the checks of port \(listener.port) will run"
        )
    }
}
