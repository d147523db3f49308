/// The two request headers the cert proxy flow depends on, recognised in the spellings
/// configurations use (`X-Forwarded-For`, `RemotePort`, `Remoteport`, `Remote-Port`, `Remote Port`).
enum ForwardingHeader: Sendable, Hashable {
    case forwardedFor
    case remotePort

    /// The header a name means, compared without case, dashes, underscores, blanks or quotes.
    init?(name: some StringProtocol) {
        switch name.lowercased().filter({ $0 != "-" && $0 != "_" && $0 != " " && $0 != "\"" }) {
        case "xforwardedfor": self = .forwardedFor
        case "remoteport": self = .remotePort
        default: return nil
        }
    }

    /// The header an HTTP header name is, as a node reads it: names compare without case, but a
    /// dash or underscore makes another header (`Remote-Port` is not `RemotePort`). For
    /// configurations that write header names as they go on the wire (HAProxy, NGINX).
    init?(httpName name: some StringProtocol) {
        switch name.lowercased() {
        case "x-forwarded-for": self = .forwardedFor
        case "remoteport": self = .remotePort
        default: return nil
        }
    }

    /// The headers an F5 iRule inserts or replaces (`HTTP::header insert RemotePort [TCP::client_port]`).
    static func insertedByIRule(_ text: String) -> Set<ForwardingHeader> {
        var found: Set<ForwardingHeader> = []
        for line in text.split(separator: "\n") where line.lowercased().contains("http::header") {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let position = words.firstIndex(where: { ["insert", "replace"].contains($0.lowercased()) }),
                position + 1 < words.count,
                let header = ForwardingHeader(name: words[position + 1])
            else { continue }
            found.insert(header)
        }
        return found
    }
}
