/// CP010, CP012, CP020, CP021 on what the endpoints presented: the VIP's certificates name the
/// VIP, the cert proxy's chain is device-trusted, nothing presented is expired or expiring.
struct LiveCertificateRule: LiveRule {
    let ruleIDs: [RuleID] = [.cp010, .cp012, .cp020, .cp021]

    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation) {
        for item in context.observations {
            guard let leaf = item.observation.leaf else { continue }
            let target = item.target
            let anchor = target.expectedCertificate?.referenceLocation ?? target.declaration
            let presented = "\(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint))"

            if target.isVIP && target.role != .secondary {
                let vip = target.deployment.deployment.vip.value
                // The static CP010's test: the matrix's classification finds a type for the VIP.
                if CertificateClassification.classify(leaf, vip: vip, nodes: []).type != nil {
                    evaluation.checked(.cp010, target.subject, at: anchor)
                } else {
                    evaluation.report(
                        .cp010, target.subject, at: anchor, .vipNotCovered(presented, vip: vip, in: target))
                }
            }

            if target.role == .certProxy, let verdict = context.trust[leaf.sha256] {
                if case .untrusted(let reason) = verdict {
                    evaluation.report(
                        .cp012, target.subject, at: anchor, .untrusted(presented, reason: reason, in: target))
                } else {
                    evaluation.checked(.cp012, target.subject, at: anchor)
                }
            }

            Expiry(leaf.certificate, asOf: context.asOf, warningDays: context.settings.expiryWarningDays)
                .report(
                    target.subject, at: anchor, "deployment \(target.deployment.name): \(presented), which",
                    into: &evaluation)
        }
    }
}

extension Finding.Message {
    fileprivate static func vipNotCovered(_ presented: String, vip: String, in target: EndpointTarget) -> Self {
        Self("deployment \(target.deployment.name): \(presented), which does not cover the VIP \(vip)")
    }

    fileprivate static func untrusted(_ presented: String, reason: String, in target: EndpointTarget) -> Self {
        Self(
            "deployment \(target.deployment.name): \(presented), which does not chain to a device-trusted CA: \(reason)"
        )
    }
}
