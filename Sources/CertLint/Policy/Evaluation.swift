import Foundation

/// One rule applied to one subject, whether it passed or not (JUnit lists passes too).
struct Check: Sendable, Hashable, Codable {
    let ruleID: RuleID
    let subject: String
    let location: SourceLocation
}

/// What the rules produce: findings and the list of checks that were made.
struct Evaluation: Sendable {
    private(set) var findings: [Finding] = []
    private(set) var checks: [Check] = []
    let catalog: RuleCatalog

    init(catalog: RuleCatalog) { self.catalog = catalog }

    /// Records that `ruleID` looked at `subject`.
    mutating func checked(_ ruleID: RuleID, _ subject: String, at location: SourceLocation) {
        checks.append(Check(ruleID: ruleID, subject: subject, location: location))
    }

    /// Records a finding (and the check that produced it) at the rule's catalog level.
    mutating func report(
        _ ruleID: RuleID, _ subject: String, at location: SourceLocation, _ message: Finding.Message,
        related: [RelatedLocation] = []
    ) {
        checked(ruleID, subject, at: location)
        let level = catalog.rule(ruleID)?.level ?? .error
        findings.append(
            Finding(
                ruleID: ruleID, level: level, message: message.text, location: location, related: related,
                subject: subject))
    }

    /// Applies `settings.rules`: `off` drops a rule's findings and checks, a level replaces the catalog's.
    mutating func apply(_ overrides: [String: Located<String>]) {
        for (text, setting) in overrides {
            let id = RuleID(rawValue: text)
            guard let value = RuleSetting(rawValue: setting.value) else { continue }
            if let level = value.level {
                findings = findings.map { $0.ruleID == id ? $0.with(level: level) : $0 }
            } else {
                findings.removeAll { $0.ruleID == id }
                checks.removeAll { $0.ruleID == id }
            }
        }
    }
}

/// Everything a rule may look at.
struct EvaluationContext: Sendable {
    let topology: Topology
    let settings: Settings
    let matrix: DecisionMatrix
    /// The reference date for expiry (start of the `--as-of` day, UTC).
    let asOf: Date
    /// Trust verdicts by certificate file path.
    let trust: [String: TrustStore.Verdict]
    /// Files that matched a format but could not be parsed.
    let parseErrors: [ParseFailure]
}

/// A scanned file that failed to parse (CP900).
struct ParseFailure: Sendable, Hashable, Codable {
    let path: String
    let format: String
    let error: FormatError
}

/// A built-in check: one file in `Policy/Rules/` each, naming the rule IDs it can report and
/// showing, in its examples, what it catches and what it allows.
protocol Rule: Sendable {
    var ruleIDs: [RuleID] { get }
    /// Triggering and allowed examples; `RuleExampleTests` runs each through `RuleHarness`.
    var examples: [RuleExample] { get }
    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation)
}

/// The checks every scan runs, in catalog order.
let builtInRules: [any Rule] = [
    MatrixRule(),
    DiscoveryRule(),
    CertProxyListenerRule(),
    UnknownListenerRule(),
    SecondaryPortExposureRule(),
    ServiceListenerRule(),
    ModeConflictRule(),
    CertificateRoleRule(),
    CertificateHealthRule(),
    PrivateKeyRule(),
    ReferenceRule(),
    ParseErrorRule(),
]

/// Runs every built-in rule over the topology.
enum Evaluator {
    static func evaluate(_ context: EvaluationContext, catalog: RuleCatalog) -> Evaluation {
        var evaluation = Evaluation(catalog: catalog)
        for rule in builtInRules { rule.evaluate(context, into: &evaluation) }
        for rule in catalog.policies { rule.evaluate(context, into: &evaluation) }
        evaluation.apply(context.settings.rules)
        return evaluation
    }
}

extension DeploymentTopology {
    /// `deployment access-prod`, the start of every subject about it.
    var subject: String { "deployment \(deployment.name)" }

    /// Describes the matrix inputs in the words of the vendor's table.
    var factsDescription: String {
        var parts = [
            "\(namespace.matrixName) (\(HostNames.domain(of: deployment.vip.value)) / \(Set(deployment.nodes.map { HostNames.domain(of: $0.value) }).sorted().joined(separator: ", ")))"
        ]
        if let type = classification?.type, let certificate = publicCertificate {
            parts.append("\(type.matrixName) certificate \(certificate.path)")
        }
        if let mode {
            parts.append(
                "443 \(mode.mode.matrixName) (from \(mode.fromLoadBalancer ? mode.location.description : "lb-mode in \(deployment.manifest)"))"
            )
        }
        return parts.joined(separator: ", ")
    }
}
