/// One port certlint connects to, named as the repository names it (the VIP or a node, and the
/// port whose role it plays) and, when they differ, where it really is (a staging address, a
/// loopback port).
package struct LiveEndpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The VIP or node name the repository uses.
    package let host: String
    /// The port as the repository names it: 443, the cert proxy's 5262, 5263.
    let port: Int
    /// Where to connect.
    package let address: String
    package let connectPort: Int

    package init(host: String, port: Int, address: String? = nil, connectPort: Int? = nil) {
        self.host = host
        self.port = port
        self.address = address ?? host
        self.connectPort = connectPort ?? port
    }

    /// `access.example.com:443`, with ` at 127.0.0.1:8443` when it is reached elsewhere.
    package var description: String {
        let named = "\(host):\(port)"
        return address == host && connectPort == port ? named : "\(named) at \(Self.join(address, connectPort))"
    }

    /// Reads `HOST:PORT` or `HOST:PORT@ADDRESS:PORT` (`--endpoint`); IPv6 addresses in brackets.
    package static func parse(_ text: String) throws(CertLintError) -> LiveEndpoint {
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count <= 2, let named = split(halves[0]) else { throw CertLintError.invalidEndpoint(text) }
        guard halves.count == 2 else { return LiveEndpoint(host: named.host, port: named.port) }
        guard let actual = split(halves[1]) else { throw CertLintError.invalidEndpoint(text) }
        return LiveEndpoint(host: named.host, port: named.port, address: actual.host, connectPort: actual.port)
    }

    /// `host:port`, `[v6]:port`.
    package static func join(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func split(_ text: Substring) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port)
        else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0.isWhitespace }) else { return nil }
        return (String(host), port)
    }
}
