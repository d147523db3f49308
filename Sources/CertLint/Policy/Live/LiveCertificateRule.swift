import Foundation

/// CP010, CP012, CP020, CP021 on what the endpoints presented: the VIP's certificates name the
/// VIP, the cert proxy's chain is device-trusted, nothing presented is expired or expiring.
struct LiveCertificateRule: LiveRule {
    let ruleIDs = ["CP010", "CP012", "CP020", "CP021"]

    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation) {
        for item in context.observations {
            guard let leaf = item.observation.leaf else { continue }
            let target = item.target
            let anchor = target.expectedCertificate?.referenceLocation ?? target.declaration
            let presented = "\(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint))"

            if target.isVIP && target.role != .secondary {
                let vip = target.deployment.deployment.vip.value
                if Self.covers(leaf, vip) {
                    evaluation.checked("CP010", target.subject, at: anchor)
                } else {
                    evaluation.report("CP010", target.subject, at: anchor, "deployment \(target.deployment.name): \(presented), which does not cover the VIP \(vip)")
                }
            }

            if target.role == .certProxy, let verdict = context.trust[leaf.sha256] {
                if case .untrusted(let reason) = verdict {
                    evaluation.report(
                        "CP012", target.subject, at: anchor,
                        "deployment \(target.deployment.name): \(presented), which does not chain to a device-trusted CA: \(reason)")
                } else {
                    evaluation.checked("CP012", target.subject, at: anchor)
                }
            }

            let notAfter = leaf.certificate.notValidAfter
            let day = CertificateHealthRule.day(notAfter)
            if notAfter < context.asOf {
                evaluation.report("CP020", target.subject, at: anchor, "deployment \(target.deployment.name): \(presented), which expired on \(day)")
                evaluation.checked("CP021", target.subject, at: anchor)
                continue
            }
            evaluation.checked("CP020", target.subject, at: anchor)
            let days = Int(notAfter.timeIntervalSince(context.asOf) / 86_400)
            if days < context.settings.expiryWarningDays {
                evaluation.report(
                    "CP021", target.subject, at: anchor,
                    "deployment \(target.deployment.name): \(presented), which expires on \(day), in \(days) day\(days == 1 ? "" : "s") (warning threshold \(context.settings.expiryWarningDays) days)")
            } else {
                evaluation.checked("CP021", target.subject, at: anchor)
            }
        }
    }

    /// The VIP is among the SAN DNS names (wildcards by RFC 6125), or the CN when there are none.
    static func covers(_ leaf: CertificateInfo, _ host: String) -> Bool {
        let names = leaf.dnsNames.isEmpty ? [leaf.commonName].compactMap { $0 } : leaf.dnsNames
        return names.contains { HostNames.matches(pattern: $0, host: host) }
    }
}
