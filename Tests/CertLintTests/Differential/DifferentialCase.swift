import Foundation

/// SplitMix64: the same seed gives the same configurations on every machine.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
    mutating func pick<T>(_ values: [T]) -> T { values.randomElement(using: &self)! }
}

/// One generated load-balancer configuration, written once as a repository holds it and once
/// as the real load balancer runs it on loopback.
///
/// Templates hold placeholders: `@ADDR@` (`:` or nothing in the repository, `127.0.0.1:` when run),
/// `@LB<port>@` (the port, or a free loopback port), `@NODE<port>@` (the port, or the stand-in
/// node's), `@HOST<n>@` (`node<n>.example.com`, or `127.0.0.1`) and `@CERTS@` (`certs`, or
/// the folder of the test certificates).
struct DifferentialCase: Sendable, CustomStringConvertible {
    enum Kind: String, Sendable { case haproxy, nginx }

    let id: String
    let kind: Kind
    /// The file the load balancer is started with, relative to the case folder.
    let main: String
    let templates: [String: String]
    let lbPorts: [Int]
    let nodePorts: [Int]
    /// Ports whose backend is chosen by a rule certlint does not evaluate (an ACL on the SNI):
    /// the observation must be one of certlint's outcomes rather than the only one.
    var routedPorts: Set<Int> = []
    /// Load-balancer ports one `listen` opens as a range: the runner gives them consecutive ports.
    var lbRange: ClosedRange<Int>?

    static let vip = "access.example.com"
    static let nodes = ["node1.example.com", "node2.example.com"]

    var description: String { id }

    /// The files as a repository would hold them.
    var repositoryFiles: [String: String] {
        templates.mapValues { text in
            var result = text.replacingOccurrences(of: "@ADDR@", with: kind == .haproxy ? ":" : "")
                .replacingOccurrences(of: "@CERTS@", with: "certs")
            for (index, node) in Self.nodes.enumerated() {
                result = result.replacingOccurrences(of: "@HOST\(index + 1)@", with: node)
            }
            return Self.replacePorts(result)
        }
    }

    /// The files for the runner, which fills in the ports and the certificate folder.
    var runnableFiles: [String: String] {
        templates.mapValues { text in
            var result = text.replacingOccurrences(of: "@ADDR@", with: "127.0.0.1:")
            for index in Self.nodes.indices {
                result = result.replacingOccurrences(of: "@HOST\(index + 1)@", with: "127.0.0.1")
            }
            return result
        }
    }

    /// `@LB443@` → `443`, `@NODE5262@` → `5262`.
    private static func replacePorts(_ text: String) -> String {
        var result = text
        for prefix in ["@LB", "@NODE"] {
            while let start = result.range(of: prefix) {
                let digits = result[start.upperBound...].prefix { $0.isNumber }
                let end = result.index(start.upperBound, offsetBy: digits.count)
                result.replaceSubrange(start.lowerBound...end, with: digits)
            }
        }
        return result
    }
}

/// What happens to one client connection on one port, as certlint reads it or as the runner saw it.
struct Outcome: Hashable, Sendable, CustomStringConvertible, Decodable {
    /// Whose certificate the client sees: `lb`, `node`, or `fail` (no TLS session).
    let client: String
    /// What reaches a node: `none`, `tls`, `plain`, or `tls-in-tls`.
    let node: String
    /// The node port the connection arrives on.
    let nodePort: Int?
    /// X-Forwarded-For and RemotePort as the node received them: `client` (the client's address
    /// and source port), `other` (anything else, such as what the client sent) or `none` (no request).
    let xff: String
    let remotePort: String

    var description: String {
        "client sees \(client), node gets \(node)\(nodePort.map { " on \($0)" } ?? ""), X-Forwarded-For \(xff), RemotePort \(remotePort)"
    }
}
