/// CP030: a certificate, pool or file that a configuration names but the repository lacks.
struct ReferenceRule: Rule {
    let ruleIDs: [RuleID] = [.cp030]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for unresolved in context.topology.unresolved {
            evaluation.report(
                .cp030, unresolved.subject, at: unresolved.location,
                "\(unresolved.subject): \(unresolved.problem); the checks that need it did not run")
        }
    }
}
