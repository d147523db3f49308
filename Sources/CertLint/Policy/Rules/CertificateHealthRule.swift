import Crypto
import Foundation
import X509
import _CryptoExtras

/// CP020, CP021, CP022: expiry and strength of every certificate a deployment uses.
struct CertificateHealthRule: Rule {
    let ruleIDs: [RuleID] = [.cp020, .cp021, .cp022]
    let examples: [RuleExample] = [
        RuleExample(
            id: .cp020, what: "an expired public certificate", triggers: true,
            certificates: ["certs/access.pem": "expired"], locations: ["certs/access.pem:1:1"],
            messages: [
                "certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com]) expired on 2025-01-01"
            ]),
        RuleExample(
            id: .cp021, what: "a public certificate that expires within 30 days", triggers: true,
            certificates: ["certs/access.pem": "expiring"], locations: ["certs/access.pem:1:1"],
            messages: [
                "certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com]) expires on 2026-06-10, in 9 days (warning threshold 30 days)"
            ]),
        RuleExample(
            id: .cp022, what: "a public certificate signed with SHA-1", triggers: true,
            certificates: ["certs/access.pem": "weak-sha1"], locations: ["certs/access.pem:1:1"],
            messages: [
                "certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com]) is weak: SHA-1 signature"
            ]),
        .allowed(
            .cp021, "an expiry warning window of 5 days", in: ExampleRepository.manifest,
            replacing: "  system-trust: false\n", with: "  system-trust: false\n  expiry-warning-days: 5\n",
            certificates: ["certs/access.pem": "expiring"]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        var seen: Set<String> = []
        for topology in context.topology.deployments {
            for use in topology.certificatesInUse where seen.insert(use.path).inserted {
                check(use, context, &evaluation)
            }
        }
        for weak in context.topology.unusableCertificates where seen.insert(weak.path).inserted {
            evaluation.report(
                .cp022, "certificate \(weak.path)", at: weak.certificate.location, .unusable(weak),
                related: [RelatedLocation(weak.location, "used here")])
        }
    }

    /// Provider-issued certificates have no dates or key in the repository (the provider renews them).
    private func check(_ use: CertificateUse, _ context: EvaluationContext, _ evaluation: inout Evaluation) {
        guard let leaf = use.leaf else { return }
        let subject = "certificate \(use.path)"
        let related = [RelatedLocation(use.referenceLocation, "used here")]
        Expiry(leaf.certificate, asOf: context.asOf, warningDays: context.settings.expiryWarningDays)
            .report(
                subject, at: leaf.location, "certificate \(use.path) (\(leaf.summary))", related: related,
                into: &evaluation)
        let weaknesses = Self.weaknesses(leaf)
        if weaknesses.isEmpty {
            evaluation.checked(.cp022, subject, at: leaf.location)
        } else {
            evaluation.report(
                .cp022, subject, at: leaf.location, .weak(use.path, leaf, weaknesses),
                related: related)
        }
    }

    /// RSA under 2048 bits, EC under 256 bits, MD5 or SHA-1 signatures. A key certlint could
    /// not read is not judged; a signature algorithm swift-certificates does not support is
    /// judged by its OID as written.
    static func weaknesses(_ info: CertificateInfo) -> [String] {
        var found: [String] = []
        let certificate = info.certificate
        if let bits = info.rsaKeyBits, bits < 2048 {
            found.append("RSA key of \(bits) bits (minimum 2048)")
        }
        let algorithm = certificate.signatureAlgorithm
        let text = info.unsupportedSignatureOID ?? String(describing: algorithm)
        if info.unsupportedSignatureOID == nil && algorithm == .sha1WithRSAEncryption
            || text.contains("1.2.840.10045.4.1") || text.contains("1.2.840.10040.4.3")
        {
            found.append("SHA-1 signature")
        } else if text.contains("1.2.840.113549.1.1.4") || text.contains("1.2.840.113549.1.1.2") {
            found.append("MD5 or MD2 signature")
        }
        return found
    }

    /// `2027-01-31`, UTC.
    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}

/// Where a certificate's notAfter stands against the reference date (CP020) and the warning
/// window (CP021); the repository's certificates and the live ones are judged alike.
struct Expiry {
    let notAfter: Date
    let asOf: Date
    let warningDays: Int

    init(_ certificate: Certificate, asOf: Date, warningDays: Int) {
        notAfter = certificate.notValidAfter
        self.asOf = asOf
        self.warningDays = warningDays
    }

    /// Reports CP020 or CP021 for `what` (the certificate as a message names it), and the checks.
    func report(
        _ subject: String, at location: SourceLocation, _ what: String, related: [RelatedLocation] = [],
        into evaluation: inout Evaluation
    ) {
        let day = CertificateHealthRule.day(notAfter)
        if notAfter < asOf {
            evaluation.report(.cp020, subject, at: location, .expired(what, on: day), related: related)
            evaluation.checked(.cp021, subject, at: location)
            return
        }
        evaluation.checked(.cp020, subject, at: location)
        let days = Int(notAfter.timeIntervalSince(asOf) / 86_400)
        if days < warningDays {
            evaluation.report(
                .cp021, subject, at: location, .expiring(what, on: day, inDays: days, threshold: warningDays),
                related: related)
        } else {
            evaluation.checked(.cp021, subject, at: location)
        }
    }
}

extension Finding.Message {
    fileprivate static func unusable(_ weak: WeakCertificate) -> Self {
        Self(
            "certificate \(weak.path) is weak: \(weak.certificate.reason), which certlint and current TLS clients refuse; the checks that need its names did not run"
        )
    }

    fileprivate static func weak(_ path: String, _ leaf: CertificateInfo, _ weaknesses: [String]) -> Self {
        Self("certificate \(path) (\(leaf.summary)) is weak: \(weaknesses.joined(separator: "; "))")
    }

    fileprivate static func expired(_ what: String, on day: String) -> Self {
        Self("\(what) expired on \(day)")
    }

    fileprivate static func expiring(_ what: String, on day: String, inDays days: Int, threshold: Int) -> Self {
        Self("\(what) expires on \(day), in \(days) day\(days == 1 ? "" : "s") (warning threshold \(threshold) days)")
    }
}
