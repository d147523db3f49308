/// The cert proxy decision matrix as data (loaded from `rules/matrix.yaml`).
public struct DecisionMatrix: Sendable {
    public struct Row: Sendable, Hashable {
        public let number: Int
        public let namespace: Namespace
        public let certificateTypes: [CertificateType]
        public let mode: LoadBalancerMode
        public let port5263Required: Bool
    }

    /// A combination the table leaves out, with why it cannot work.
    public struct Unsupported: Sendable, Hashable {
        public let namespace: Namespace
        public let certificateTypes: [CertificateType]
        public let mode: LoadBalancerMode
        public let reason: String
    }

    public enum Verdict: Sendable, Hashable {
        case row(Row)
        case unsupported(reason: String?)
    }

    public var rows: [Row]
    public var unsupported: [Unsupported]

    public func verdict(namespace: Namespace, type: CertificateType, mode: LoadBalancerMode) -> Verdict {
        if let row = rows.first(where: {
            $0.namespace == namespace && $0.certificateTypes.contains(type) && $0.mode == mode
        }) {
            return .row(row)
        }
        let known = unsupported.first {
            $0.namespace == namespace && $0.certificateTypes.contains(type) && $0.mode == mode
        }
        return .unsupported(reason: known?.reason)
    }
}
