import CertLint
import Foundation
import NIOCore

/// Where a host of the deployment answers in staging: an address, and ports that differ from the
/// repository's (a loopback test, a NAT in front of the staging nodes).
package struct StageAddress: Sendable, Hashable {
    package var address: String
    /// Repository port → real port.
    package var ports: [Int: Int]

    package init(address: String, ports: [Int: Int] = [:]) {
        self.address = address
        self.ports = ports
    }

    package func endpoint(host: String, port: Int) -> LiveEndpoint {
        LiveEndpoint(host: host, port: port, address: address, connectPort: ports[port] ?? port)
    }
}

/// The proxy's limits. Every one bounds what one client or one backend can hold.
package struct StageLimits: Sendable, Hashable {
    package var maxConnections = 1024
    package var idleTimeout: Duration = .seconds(300)
    package var handshakeTimeout: Duration = .seconds(10)
    package var connectTimeout: Duration = .seconds(5)
    package var drainTimeout: Duration = .seconds(10)
    package init() {}
}

extension Duration {
    /// The same span as NIO's `TimeAmount`.
    package var timeAmount: TimeAmount {
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
package struct StageFile: Sendable {
    package var path: String
    package var deployment: Located<String>?
    package var listen = StageAddress(address: "127.0.0.1")
    package var listenLocation: SourceLocation?
    package var vip: StageAddress?
    /// Node name (lower case, no trailing dot) → where it answers.
    package var nodes: [String: StageAddress] = [:]
    package var nodeLocations: [String: SourceLocation] = [:]
    /// Absolute paths of the certificate chain and key re-encryption listeners terminate with.
    package var terminateCertificate: String?
    package var terminateKey: String?
    package var terminateLocation: SourceLocation?
    package var limits = StageLimits()

    package init(path: String) { self.path = path }

    package static func read(_ path: String) throws(StagingError) -> StageFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StagingError.stageUnreadable(path: path, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StagingError.stageUnreadable(path: path, reason: "is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    package static func parse(_ text: String, path: String) throws(StagingError) -> StageFile {
        let documents: [YAMLNode]
        do {
            documents = try YAMLParser().parse(text)
        } catch {
            throw StagingError.stage(
                path: path, line: error.position.line, column: error.position.column, keyPath: "(file)",
                problem: error.message)
        }
        let reader = StageReader(path: path)
        guard let root = documents.first else {
            throw StagingError.stage(
                path: path, line: 1, column: 1, keyPath: "(file)",
                problem: "the file is empty; it needs at least `version: 1` and `nodes:`")
        }
        return try reader.read(root)
    }
}

/// Reads the stage file's YAML strictly (`StrictYAML`, as `certlint.yaml` is read): unknown or
/// repeated keys, wrong types and bad values are errors with the line and the key's path.
struct StageReader {
    let yaml: StrictYAML<StagingError>
    let folder: String

    init(path: String) {
        yaml = StrictYAML(path: path) { line, column, keyPath, problem in
            .stage(path: path, line: line, column: column, keyPath: keyPath, problem: problem)
        }
        folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    func address(_ node: YAMLNode, _ keyPath: String) throws(StagingError) -> StageAddress {
        if node.scalar != nil { return StageAddress(address: try yaml.string(node, keyPath)) }
        let keys = try yaml.mapping(node, keyPath, allowed: ["address", "ports"])
        guard let address = keys["address"] else { throw yaml.fail(node, keyPath, "is missing `address`") }
        var result = StageAddress(address: try yaml.string(address, "\(keyPath).address"))
        if let ports = keys["ports"] {
            guard let pairs = ports.mapping else {
                throw yaml.fail(
                    ports, "\(keyPath).ports", "must be a mapping of repository port to real port, e.g. { 443: 8443 }")
            }
            for pair in pairs {
                let from = try yaml.port(pair.key, "\(keyPath).ports")
                // 0 binds a free port (listen only); tests use it.
                result.ports[from] = try yaml.integer(pair.value, "\(keyPath).ports.\(from)", in: 0...65_535)
            }
        }
        return result
    }

    func absolute(_ file: String) -> String {
        file.hasPrefix("/") ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).standardized.path
    }

    func seconds(_ node: YAMLNode, _ keyPath: String, in range: ClosedRange<Int>) throws(StagingError) -> Duration {
        .seconds(try yaml.integer(node, keyPath, in: range))
    }

    func read(_ root: YAMLNode) throws(StagingError) -> StageFile {
        let keys = try yaml.mapping(
            root, "(top level)", allowed: ["version", "deployment", "listen", "vip", "nodes", "terminate", "limits"])
        guard let version = keys["version"] else {
            throw yaml.fail(root, "version", "is missing; start the file with `version: 1`")
        }
        guard version.resolved == .int(1) else {
            throw yaml.fail(version, "version", "must be 1, found \(version.scalar ?? version.kindDescription)")
        }
        var stage = StageFile(path: yaml.path)
        if let node = keys["deployment"] {
            stage.deployment = Located(try yaml.string(node, "deployment"), at: yaml.location(node))
        }
        if let node = keys["listen"] {
            stage.listen = try address(node, "listen")
            stage.listenLocation = yaml.location(node)
        }
        if let node = keys["vip"] { stage.vip = try address(node, "vip") }
        if let node = keys["nodes"] {
            guard let pairs = node.mapping else {
                throw yaml.fail(
                    node, "nodes", "must be a mapping of node name to address, found \(node.kindDescription)")
            }
            for pair in pairs {
                let name = try yaml.string(pair.key, "nodes")
                let key = name.lowercased().hasSuffix(".") ? String(name.lowercased().dropLast()) : name.lowercased()
                guard stage.nodes[key] == nil else { throw yaml.fail(pair.key, "nodes.\(name)", "appears twice") }
                stage.nodes[key] = try address(pair.value, "nodes.\(name)")
                stage.nodeLocations[key] = yaml.location(pair.key)
            }
        }
        if let node = keys["terminate"] {
            let terminate = try yaml.mapping(node, "terminate", allowed: ["certificate", "key"])
            guard let certificate = terminate["certificate"], let key = terminate["key"] else {
                throw yaml.fail(node, "terminate", "needs both `certificate` (the chain, leaf first) and `key`")
            }
            stage.terminateCertificate = absolute(try yaml.string(certificate, "terminate.certificate"))
            stage.terminateKey = absolute(try yaml.string(key, "terminate.key"))
            stage.terminateLocation = yaml.location(node)
        }
        if let node = keys["limits"] {
            let limits = try yaml.mapping(
                node, "limits",
                allowed: ["max-connections", "idle-timeout", "handshake-timeout", "connect-timeout", "drain-timeout"])
            if let value = limits["max-connections"] {
                stage.limits.maxConnections = try yaml.integer(value, "limits.max-connections", in: 1...1_000_000)
            }
            if let value = limits["idle-timeout"] {
                stage.limits.idleTimeout = try seconds(value, "limits.idle-timeout", in: 1...86_400)
            }
            if let value = limits["handshake-timeout"] {
                stage.limits.handshakeTimeout = try seconds(value, "limits.handshake-timeout", in: 1...3_600)
            }
            if let value = limits["connect-timeout"] {
                stage.limits.connectTimeout = try seconds(value, "limits.connect-timeout", in: 1...3_600)
            }
            if let value = limits["drain-timeout"] {
                stage.limits.drainTimeout = try seconds(value, "limits.drain-timeout", in: 0...3_600)
            }
        }
        return stage
    }
}
