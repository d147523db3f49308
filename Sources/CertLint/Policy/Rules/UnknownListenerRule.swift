/// CP031 for a cert proxy listener whose protocol or load balancer cannot be evaluated.
struct UnknownListenerRule: Rule {
    let ruleIDs: [RuleID] = [.cp031]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            for joined in topology.listeners(.certProxy) + topology.listeners(.secondary)
            where !joined.listener.unknowns.isEmpty {
                let listener = joined.listener
                evaluation.report(
                    .cp031, "\(topology.subject) / listener \(listener.port) (\(listener.name))", at: listener.location,
                    "deployment \(topology.name): the \(listener.name) listener on port \(listener.port) has facts certlint cannot evaluate: \(listener.unknowns.joined(separator: "; ")); give the values in a tfvars file, and the checks of port \(listener.port) will run"
                )
            }
        }
    }
}
