import Foundation
@_spi(DisableValidityCheck) import X509

/// The CAs devices trust: the system CA bundle (when `settings.system-trust`) and the
/// `settings.trust-anchors` certificates. Expiry is left to CP020/CP021, so chains are built
/// without a validity-time check.
struct TrustStore: Sendable {
    /// Where Debian, Ubuntu and Alpine keep the bundle, then Fedora/RHEL.
    static let systemBundlePaths = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]

    let anchors: [Certificate]
    let description: String

    /// The system bundle's certificates (those swift-certificates can read), or none.
    static func systemAnchors() -> [Certificate] {
        for path in systemBundlePaths {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { continue }
            var anchors: [Certificate] = []
            for block in text.components(separatedBy: "-----END CERTIFICATE-----") {
                guard let start = block.range(of: "-----BEGIN CERTIFICATE-----") else { continue }
                let pem = String(block[start.lowerBound...]) + "-----END CERTIFICATE-----"
                if let certificate = try? Certificate(pemEncoded: pem) { anchors.append(certificate) }
            }
            return anchors
        }
        return []
    }

    enum Verdict: Sendable, Hashable {
        case trusted
        case untrusted(String)
    }

    /// Whether the first certificate of the file chains to an anchor through the file's others.
    func verify(_ file: CertificateFile) async -> Verdict {
        guard let leaf = file.leaf?.certificate else { return .untrusted("the file holds no certificate") }
        return await verify(leaf: leaf, intermediates: file.certificates.dropFirst().map(\.certificate))
    }

    /// Whether `leaf` chains to an anchor through `intermediates` (a file's other certificates,
    /// or the rest of a chain a server presented).
    func verify(leaf: Certificate, intermediates: [Certificate]) async -> Verdict {
        // A certificate declared as an anchor is trusted as it is (a pinned self-signed certificate).
        if anchors.contains(leaf) { return .trusted }
        guard !anchors.isEmpty else {
            return .untrusted(
                "no trust anchors are configured (settings.system-trust is off and settings.trust-anchors is empty)")
        }
        var verifier = Verifier(rootCertificates: CertificateStore(anchors)) {
            RFC5280Policy.withValidityCheckDisabled()
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate:
            return .trusted
        case .couldNotValidate(let failures):
            if leaf.subject == leaf.issuer { return .untrusted("it is self-signed and not among the trust anchors") }
            if let failure = failures.first {
                return .untrusted("\(failure.policyFailureReason)")
            }
            return .untrusted(
                "no chain from its issuer (\(leaf.issuer)) to a trust anchor; add the intermediates to its file or the CA to settings.trust-anchors"
            )
        }
    }
}

extension TrustStore {
    /// Verdicts for every certificate presented on a cert proxy port, by path. A provider-issued
    /// certificate is trusted (a public CA issued it); one read as OpenSSL reads it
    /// (`readLeniently`) has no signature swift-certificates can check and gets no verdict (its
    /// note says so).
    func verdicts(_ topology: Topology) async -> [String: Verdict] {
        var trust: [String: Verdict] = [:]
        for deployment in topology.deployments {
            guard let certificate = deployment.certProxyCertificate, trust[certificate.path] == nil else { continue }
            switch certificate.source {
            case .file(let file):
                guard file.certificates.allSatisfy(\.readLeniently.isEmpty) else { continue }
                trust[certificate.path] = await verify(file)
            case .issued: trust[certificate.path] = .trusted
            }
        }
        return trust
    }
}
