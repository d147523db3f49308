/// CP031 for a deployment the load-balancer configuration suggests but does not complete.
struct DiscoveryRule: Rule {
    let ruleIDs: [RuleID] = [.cp031]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for discovery in context.topology.incompleteDiscoveries {
            evaluation.report(
                .cp031, discovery.subject, at: discovery.location,
                "these listeners look like a Workspace ONE Access deployment (443 and 5262 to the same targets), but certlint cannot tell \(discovery.missing.joined(separator: " or ")); declare it in certlint.yaml:\n\(discovery.snippet)"
            )
        }
    }
}
