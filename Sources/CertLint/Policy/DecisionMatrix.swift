/// The cert proxy decision matrix as data (loaded from `rules/matrix.yaml`).
struct DecisionMatrix: Sendable {
    struct Row: Sendable, Hashable {
        let number: Int
        let namespace: Namespace
        let certificateTypes: [CertificateType]
        let mode: LoadBalancerMode
        let port5263Required: Bool
    }

    /// A combination the table leaves out, with why it cannot work.
    struct Unsupported: Sendable, Hashable {
        let namespace: Namespace
        let certificateTypes: [CertificateType]
        let mode: LoadBalancerMode
        let reason: String
    }

    enum Verdict: Sendable, Hashable {
        case row(Row)
        case unsupported(reason: String?)
    }

    var rows: [Row]
    var unsupported: [Unsupported]

    func verdict(namespace: Namespace, type: CertificateType, mode: LoadBalancerMode) -> Verdict {
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
