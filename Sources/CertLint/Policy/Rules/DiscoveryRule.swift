/// CP031 for a deployment the load-balancer configuration suggests but does not complete.
struct DiscoveryRule: Rule {
    let ruleIDs: [RuleID] = [.cp031]
    let examples: [RuleExample] = [
        RuleExample(
            id: .cp031, what: "no certlint.yaml, and nodes by address: the nodes' FQDNs are unknown", triggers: true,
            replacements: [
                (ExampleRepository.haproxy, "    bind :443 ssl", "    ↓bind :443 ssl"),
                (ExampleRepository.haproxy, "wsa1.example.dmz:", "10.0.0.11:"),
                (ExampleRepository.haproxy, "wsa2.example.dmz:", "10.0.0.12:"),
            ], removing: [ExampleRepository.manifest],
            messages: [
                "these listeners look like a Workspace ONE Access deployment (443 and 5262 to the same targets), but certlint cannot tell the nodes' FQDNs (the targets are addresses or instance references); declare it in certlint.yaml:\nversion: 1\ndeployments:\n  - name: access\n    vip: access.example.com\n    nodes: [wsa1.example.dmz, wsa2.example.dmz]\n    load-balancer: [lb/haproxy.cfg]"
            ]),
        RuleExample(
            id: .cp031, what: "no certlint.yaml, nodes by name: the deployment is inferred", triggers: false,
            replacements: [(ExampleRepository.haproxy, "example.dmz", "example.com")],
            removing: [ExampleRepository.manifest]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for discovery in context.topology.incompleteDiscoveries {
            evaluation.report(
                .cp031, discovery.subject, at: discovery.location, .undeclared(discovery))
        }
    }
}

extension Finding.Message {
    fileprivate static func undeclared(_ discovery: DeploymentDiscovery.Incomplete) -> Self {
        Self(
            "these listeners look like a Workspace ONE Access deployment (443 and 5262 to the same targets), but certlint cannot tell \(discovery.missing.joined(separator: " or ")); declare it in certlint.yaml:\n\(discovery.snippet)"
        )
    }
}
