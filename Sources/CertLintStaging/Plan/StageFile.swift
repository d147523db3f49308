import CertLint
import Foundation
import NIOCore

/// Where a host of the deployment answers in staging: an address, and ports that differ from the
/// repository's (a loopback test, a NAT in front of the staging nodes).
public struct StageAddress: Sendable, Hashable {
    public var address: String
    /// Repository port → real port.
    public var ports: [Int: Int]

    public init(address: String, ports: [Int: Int] = [:]) {
        self.address = address
        self.ports = ports
    }

    public func endpoint(host: String, port: Int) -> LiveEndpoint {
        LiveEndpoint(host: host, port: port, address: address, connectPort: ports[port] ?? port)
    }
}

/// The proxy's limits. Every one bounds what one client or one backend can hold.
public struct StageLimits: Sendable, Hashable {
    public var maxConnections = 1024
    public var idleTimeout: Duration = .seconds(300)
    public var handshakeTimeout: Duration = .seconds(10)
    public var connectTimeout: Duration = .seconds(5)
    public var drainTimeout: Duration = .seconds(10)
    public init() {}
}

extension Duration {
    /// The same span as NIO's `TimeAmount`.
    public var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// The stage file (`--stage FILE`): how the deployment's names map to a staging environment.
///
/// ```yaml
/// version: 1
/// deployment: access-prod            # needed when the repository declares several
/// listen: { address: 127.0.0.1, ports: { 443: 8443, 5262: 15262 } }
/// vip: { address: 127.0.0.1, ports: { 443: 8443, 5262: 15262 } }   # where verify finds the VIP
/// nodes:
///   wsa1.example.dmz: 10.20.0.11
///   wsa2.example.dmz: { address: 10.20.0.12, ports: { 443: 443 } }
/// terminate: { certificate: /etc/certlint/staging.pem, key: /etc/certlint/staging.key }
/// limits: { max-connections: 1024, idle-timeout: 300, handshake-timeout: 10, connect-timeout: 5, drain-timeout: 10 }
/// ```
public struct StageFile: Sendable {
    public var path: String
    public var deployment: Located<String>?
    public var listen = StageAddress(address: "127.0.0.1")
    public var listenLocation: SourceLocation?
    public var vip: StageAddress?
    /// Node name (lower case, no trailing dot) → where it answers.
    public var nodes: [String: StageAddress] = [:]
    public var nodeLocations: [String: SourceLocation] = [:]
    /// Absolute paths of the certificate chain and key re-encryption listeners terminate with.
    public var terminateCertificate: String?
    public var terminateKey: String?
    public var terminateLocation: SourceLocation?
    public var limits = StageLimits()

    public init(path: String) { self.path = path }

    public static func read(_ path: String) throws(CertLintError) -> StageFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertLintError.stageUnreadable(path: path, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CertLintError.stageUnreadable(path: path, reason: "is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(CertLintError) -> StageFile {
        let documents: [YAMLNode]
        do {
            documents = try YAMLParser().parse(text)
        } catch {
            throw CertLintError.stage(path: path, line: error.position.line, column: error.position.column, keyPath: "(file)", problem: error.message)
        }
        var reader = StageReader(path: path)
        guard let root = documents.first else {
            throw CertLintError.stage(path: path, line: 1, column: 1, keyPath: "(file)", problem: "the file is empty; it needs at least `version: 1` and `nodes:`")
        }
        return try reader.read(root)
    }
}

/// Reads the stage file's YAML strictly: unknown keys, wrong types and bad values are errors
/// with the line and the key's path.
struct StageReader {
    let path: String
    let folder: String

    init(path: String) {
        self.path = path
        folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    func fail(_ node: YAMLNode, _ keyPath: String, _ problem: String) -> CertLintError {
        .stage(path: path, line: node.start.line, column: node.start.column, keyPath: keyPath, problem: problem)
    }

    func location(_ node: YAMLNode) -> SourceLocation { SourceLocation(path: path, line: node.start.line, column: node.start.column) }

    func mapping(_ node: YAMLNode, _ keyPath: String, allowed: Set<String>) throws(CertLintError) -> [String: YAMLNode] {
        guard let pairs = node.mapping else { throw fail(node, keyPath, "expected a mapping, found \(node.kindDescription)") }
        var keys: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar else { throw fail(pair.key, keyPath, "keys must be plain text") }
            guard allowed.contains(key) else {
                throw fail(pair.key, keyPath.isEmpty ? key : "\(keyPath).\(key)", "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            keys[key] = pair.value
        }
        return keys
    }

    func string(_ node: YAMLNode, _ keyPath: String) throws(CertLintError) -> String {
        guard let text = node.scalar, !text.isEmpty else { throw fail(node, keyPath, "expected text, found \(node.kindDescription)") }
        return text
    }

    func integer(_ node: YAMLNode, _ keyPath: String, in range: ClosedRange<Int>) throws(CertLintError) -> Int {
        guard let text = node.scalar, let value = Int(text), range.contains(value) else {
            throw fail(node, keyPath, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func address(_ node: YAMLNode, _ keyPath: String) throws(CertLintError) -> StageAddress {
        if node.scalar != nil { return StageAddress(address: try string(node, keyPath)) }
        let keys = try mapping(node, keyPath, allowed: ["address", "ports"])
        guard let address = keys["address"] else { throw fail(node, keyPath, "missing key `address`") }
        var result = StageAddress(address: try string(address, "\(keyPath).address"))
        if let ports = keys["ports"] {
            guard let pairs = ports.mapping else { throw fail(ports, "\(keyPath).ports", "expected a mapping of repository port to real port, e.g. { 443: 8443 }") }
            for pair in pairs {
                let from = try integer(pair.key, "\(keyPath).ports", in: 1...65_535)
                // 0 binds a free port (listen only); tests use it.
                result.ports[from] = try integer(pair.value, "\(keyPath).ports.\(from)", in: 0...65_535)
            }
        }
        return result
    }

    func absolute(_ file: String) -> String {
        file.hasPrefix("/") ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).standardized.path
    }

    mutating func read(_ root: YAMLNode) throws(CertLintError) -> StageFile {
        let keys = try mapping(root, "", allowed: ["version", "deployment", "listen", "vip", "nodes", "terminate", "limits"])
        guard let version = keys["version"] else { throw fail(root, "version", "missing; write `version: 1` at the top") }
        guard version.scalar == "1" else { throw fail(version, "version", "only version 1 exists") }
        var stage = StageFile(path: path)
        if let node = keys["deployment"] { stage.deployment = Located(try string(node, "deployment"), at: location(node)) }
        if let node = keys["listen"] {
            stage.listen = try address(node, "listen")
            stage.listenLocation = location(node)
        }
        if let node = keys["vip"] { stage.vip = try address(node, "vip") }
        if let node = keys["nodes"] {
            guard let pairs = node.mapping else { throw fail(node, "nodes", "expected a mapping of node name to address") }
            for pair in pairs {
                let name = try string(pair.key, "nodes")
                let key = name.lowercased().hasSuffix(".") ? String(name.lowercased().dropLast()) : name.lowercased()
                stage.nodes[key] = try address(pair.value, "nodes.\(name)")
                stage.nodeLocations[key] = location(pair.key)
            }
        }
        if let node = keys["terminate"] {
            let terminate = try mapping(node, "terminate", allowed: ["certificate", "key"])
            guard let certificate = terminate["certificate"], let key = terminate["key"] else {
                throw fail(node, "terminate", "needs both `certificate` (the chain, leaf first) and `key`")
            }
            stage.terminateCertificate = absolute(try string(certificate, "terminate.certificate"))
            stage.terminateKey = absolute(try string(key, "terminate.key"))
            stage.terminateLocation = location(node)
        }
        if let node = keys["limits"] {
            let limits = try mapping(node, "limits", allowed: ["max-connections", "idle-timeout", "handshake-timeout", "connect-timeout", "drain-timeout"])
            if let value = limits["max-connections"] { stage.limits.maxConnections = try integer(value, "limits.max-connections", in: 1...1_000_000) }
            if let value = limits["idle-timeout"] { stage.limits.idleTimeout = .seconds(try integer(value, "limits.idle-timeout", in: 1...86_400)) }
            if let value = limits["handshake-timeout"] { stage.limits.handshakeTimeout = .seconds(try integer(value, "limits.handshake-timeout", in: 1...3_600)) }
            if let value = limits["connect-timeout"] { stage.limits.connectTimeout = .seconds(try integer(value, "limits.connect-timeout", in: 1...3_600)) }
            if let value = limits["drain-timeout"] { stage.limits.drainTimeout = .seconds(try integer(value, "limits.drain-timeout", in: 0...3_600)) }
        }
        return stage
    }
}
