import Foundation

/// One live observation with the role the repository gives its endpoint.
package struct TargetedObservation: Sendable {
    let target: EndpointTarget
    let observation: LiveObservation
    package init(target: EndpointTarget, observation: LiveObservation) {
        self.target = target
        self.observation = observation
    }
}

/// Everything a live rule may look at.
struct LiveContext: Sendable {
    let observations: [TargetedObservation]
    /// What the staging proxy saw while forwarding (empty for `verify`).
    let forwarding: [ForwardingObservation]
    let deploymentName: String
    let settings: Settings
    let asOf: Date
    /// Trust verdicts of the chains presented on cert proxy ports, by leaf SHA-256.
    let trust: [String: TrustStore.Verdict]

    /// What else was seen on the same host (VIP or node) of the same deployment, on another role.
    func sibling(of item: TargetedObservation, role: DeploymentListener.Role) -> TargetedObservation? {
        observations.first {
            $0.target.deployment.name == item.target.deployment.name && $0.target.host == item.target.host
                && $0.target.role == role && $0.observation.leaf != nil
        }
    }
}

/// A check of live endpoints: one file in `Policy/Live/` each, with the rule IDs it can report.
protocol LiveRule: Sendable {
    var ruleIDs: [RuleID] { get }
    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation)
}

/// The checks `certlint verify` and `certlint proxy` run on what endpoints presented.
let liveRules: [any LiveRule] = [
    ReachabilityRule(),
    CertificateDriftRule(),
    LiveCertificateRule(),
    LivePortRule(),
    ForwardingRule(),
]

/// Judges live observations against the repository's topology with the same rule IDs as `scan`.
package enum LiveEvaluator {
    /// The scan's run, reporting the live findings and checks instead of the static ones.
    package static func evaluate(
        _ observations: [TargetedObservation], forwarding: [ForwardingObservation] = [], deployment: String = "",
        scan: ScanResult, notes: [ScanNote] = []
    ) async -> ScanResult {
        var trust: [String: TrustStore.Verdict] = [:]
        for item in observations where item.target.role == .certProxy {
            guard let chain = item.observation.chain, trust[chain[0].sha256] == nil else { continue }
            trust[chain[0].sha256] = await scan.trustStore.verify(
                leaf: chain[0].certificate, intermediates: chain.dropFirst().map(\.certificate))
        }
        let context = LiveContext(
            observations: observations, forwarding: forwarding, deploymentName: deployment, settings: scan.settings,
            asOf: scan.asOf, trust: trust)
        var evaluation = Evaluation(catalog: scan.catalog)
        for rule in liveRules { rule.evaluate(context, into: &evaluation) }
        evaluation.apply(scan.settings.rules)
        let findings = evaluation.findings.map { $0.with(snippet: scan.sources.line(at: $0.location)) }
        return scan.replacing(findings: findings, checks: evaluation.checks, notes: notes)
    }
}
