/// The certificate type of the matrix, judged against one deployment (DOMAIN §3).
enum CertificateType: String, Sendable, Hashable, CaseIterable {
    case san = "san"
    case wildcard = "wildcard"
    case singleHostCN = "single-host-cn"

    var matrixName: String {
        switch self {
        case .san: return "SAN"
        case .wildcard: return "Wildcard"
        case .singleHostCN: return "Single Host CN"
        }
    }
}

/// What a certificate is for one deployment.
struct CertificateClassification: Sendable, Hashable {
    /// nil when the certificate does not cover the VIP at all (CP010).
    let type: CertificateType?
    /// Nodes a partial SAN certificate leaves out (empty unless it names some nodes and the VIP exactly).
    let missingNodes: [String]
    let namedNodes: [String]

    /// 1. SAN: DNS names list the VIP and every node explicitly. 2. Wildcard: a wildcard DNS name
    /// covers the VIP. 3. Single Host CN: the VIP by its exact name (subjectAltName, or the CN
    /// when there is no DNS subjectAltName). 4. Otherwise it does not cover the VIP.
    static func classify(_ certificate: CertificateInfo, vip: String, nodes: [String])
        -> CertificateClassification
    {
        classify(dnsNames: certificate.dnsNames, commonName: certificate.commonName, vip: vip, nodes: nodes)
    }

    static func classify(dnsNames: [String], commonName: String?, vip: String, nodes: [String])
        -> CertificateClassification
    {
        let names = dnsNames.isEmpty ? (commonName.map { [$0] } ?? []) : dnsNames
        let exact = Set(names.filter { !HostNames.isWildcard($0) }.map(\.lowercasedFQDN))
        let vipName = vip.lowercasedFQDN
        let named = nodes.filter { exact.contains($0.lowercasedFQDN) }
        let missing = nodes.filter { !exact.contains($0.lowercasedFQDN) }
        // A SAN certificate is one whose subjectAltNames name them; a CN alone is never "SAN".
        if !dnsNames.isEmpty && exact.contains(vipName) && missing.isEmpty {
            return CertificateClassification(type: .san, missingNodes: [], namedNodes: named)
        }
        if names.contains(where: { HostNames.isWildcard($0) && HostNames.matches(pattern: $0, host: vipName) }) {
            return CertificateClassification(type: .wildcard, missingNodes: [], namedNodes: named)
        }
        if exact.contains(vipName) {
            return CertificateClassification(
                type: .singleHostCN, missingNodes: named.isEmpty ? [] : missing, namedNodes: named)
        }
        return CertificateClassification(type: nil, missingNodes: [], namedNodes: named)
    }
}
