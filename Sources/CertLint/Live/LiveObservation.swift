/// What one connection to a live endpoint showed: the chain it presented, or why there was none.
package struct LiveObservation: Sendable, Hashable {
    package enum Outcome: Sendable, Hashable {
        /// The certificates the endpoint sent, leaf first (read also when they would not verify).
        case presented([CertificateInfo])
        case failed(LiveFailure)
    }
    package let endpoint: LiveEndpoint
    let outcome: Outcome

    package init(endpoint: LiveEndpoint, outcome: Outcome) {
        self.endpoint = endpoint
        self.outcome = outcome
    }

    var chain: [CertificateInfo]? {
        if case .presented(let chain) = outcome, !chain.isEmpty { return chain }
        return nil
    }
    package var leaf: CertificateInfo? { chain?.first }
}

/// Why an endpoint presented no certificate.
package struct LiveFailure: Error, Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable {
        case refused, timeout, notTLS, handshake, unresolved
    }
    package let kind: Kind
    /// The system's or TLS library's own words.
    package let detail: String

    package init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `refused the connection (Connection refused)`, for messages.
    package var description: String {
        switch kind {
        case .refused: return "refused the connection (\(detail))"
        case .timeout: return "did not answer within \(detail)"
        case .notTLS: return "did not answer with TLS (\(detail))"
        case .handshake: return "failed the TLS handshake (\(detail))"
        case .unresolved: return "could not be resolved (\(detail))"
        }
    }
}
