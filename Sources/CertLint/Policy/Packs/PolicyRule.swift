import Foundation

/// A rule a pack declares in YAML (`checks:`): select one kind of fact of each deployment, keep
/// those a `where` condition holds for, and report each for which `require` fails. It runs after
/// the built-in rules and its findings go through settings, suppressions and baselines like theirs.
struct PolicyRule: Rule {
    let description: RuleDescription
    let kind: FactKind
    let filter: PolicyCondition?
    let requirement: PolicyCondition
    /// A failing and a passing example repository at least; `certlint rules --check` runs them.
    let packExamples: [PolicyExample]
    /// Where the pack declares it.
    let location: SourceLocation

    var id: RuleID { description.id }
    var ruleIDs: [RuleID] { [id] }
    /// Built-in examples are changes to the example repository; a pack's are whole files (`packExamples`).
    var examples: [RuleExample] { [] }

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            let facts = DeploymentFacts(topology, asOf: context.asOf)
            for fact in facts.of(kind) {
                if let filter, filter.evaluate(fact, in: facts) != .holds { continue }
                switch requirement.evaluate(fact, in: facts) {
                case .holds: evaluation.checked(id, fact.subject, at: fact.location)
                case .fails(let why):
                    evaluation.report(id, fact.subject, at: fact.location, .policy(description, fact, why))
                case .unknown: continue
                }
            }
        }
    }
}

/// A repository a pack rule must report (`fails: true`) or must not: files by path, `↓` where a
/// finding must land.
struct PolicyExample: Sendable {
    let name: String
    let fails: Bool
    let files: [String: String]
    /// The reference date the example is judged at (expiry), when it names one.
    let asOf: Date?
    let location: SourceLocation
}

extension Finding.Message {
    fileprivate static func policy(_ rule: RuleDescription, _ fact: PolicyFact, _ why: String) -> Self {
        let short = rule.short.hasSuffix(".") ? String(rule.short.dropLast()) : rule.short
        return Self("\(fact.subject): \(short) (\(why))")
    }
}
