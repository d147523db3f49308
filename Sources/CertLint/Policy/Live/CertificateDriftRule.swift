/// CP014: each endpoint presents the certificate the repository declares for its role.
struct CertificateDriftRule: LiveRule {
    let ruleIDs: [RuleID] = [.cp014]

    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation) {
        for item in context.observations {
            guard let leaf = item.observation.leaf, let expected = item.target.expectedCertificate else { continue }
            let target = item.target
            if Self.matches(leaf, expected) {
                evaluation.checked(.cp014, target.subject, at: expected.referenceLocation)
                continue
            }
            evaluation.report(
                .cp014, target.subject, at: expected.referenceLocation,
                .drift(target, presents: leaf, declared: expected),
                related: [RelatedLocation(expected.location, "the declared certificate")])
        }
    }

    /// A file matches by its DER hash; a provider-issued certificate (renewed by the provider) by its names.
    static func matches(_ leaf: CertificateInfo, _ expected: CertificateUse) -> Bool {
        switch expected.source {
        case .file(let file): return file.leaf?.sha256 == leaf.sha256
        case .issued(let issued):
            return Set(issued.names.map(\.lowercasedFQDN)) == Set(leaf.dnsNames.map(\.lowercasedFQDN))
        }
    }
}

extension Finding.Message {
    fileprivate static func drift(_ target: EndpointTarget, presents leaf: CertificateInfo, declared: CertificateUse)
        -> Self
    {
        Self(
            "deployment \(target.deployment.name): \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint)); the repository declares \(declared.path) (\(declared.summary)\(declared.leaf.map { ", \($0.shortFingerprint)" } ?? ""))"
        )
    }
}
