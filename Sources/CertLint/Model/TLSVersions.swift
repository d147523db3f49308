/// A TLS protocol version a listener may accept.
enum TLSVersion: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case tls10 = 10
    case tls11 = 11
    case tls12 = 12
    case tls13 = 13

    /// As pack rules compare it: `1.0` … `1.3`.
    var name: String { "1.\(rawValue - 10)" }

    static func < (left: TLSVersion, right: TLSVersion) -> Bool { left.rawValue < right.rawValue }

    /// `TLSv1.0` … `TLSv1.3` (HAProxy), `TLSv1` … `TLSv1.3` (NGINX).
    init?(configurationName text: String) {
        switch text {
        case "TLSv1", "TLSv1.0": self = .tls10
        case "TLSv1.1": self = .tls11
        case "TLSv1.2": self = .tls12
        case "TLSv1.3": self = .tls13
        default: return nil
        }
    }

    /// The versions from `low` to `high`, both included.
    static func range(_ low: TLSVersion, _ high: TLSVersion) -> [TLSVersion] {
        allCases.filter { $0 >= low && $0 <= high }
    }
}
