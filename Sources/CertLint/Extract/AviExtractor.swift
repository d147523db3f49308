/// Avi / NSX Advanced Load Balancer configurations outside Terraform: configuration JSON exports
/// (`VirtualService`, `Pool`, `SSLKeyAndCertificate`, `HTTPPolicySet` lists) and Ansible tasks
/// (`avi_virtualservice` and friends, or an `avi_config` with `virtualservice`/`pool` lists). In
/// the terms of `AviLoadBalancers`; values that Ansible templates (`{{ … }}`) leave open are
/// unknown and their services are not read.
public struct AviExtractor: Extractor {
    public let format = "Avi"
    public init() {}

    static let kinds: [String: String] = [
        "virtualservice": "virtualservice", "pool": "pool", "sslkeyandcertificate": "sslkeyandcertificate",
        "httppolicyset": "httppolicyset",
    ]

    public func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary, ["json", "yaml", "yml"].contains(file.fileExtension), !file.name.hasSuffix(".tf.json")
        else { return false }
        return ["avi_virtualservice", "\"VirtualService\"", "\"virtualservice\"", "virtualservice:"].contains {
            file.contains($0)
        }
    }

    /// `avinetworks.avisdk.avi_pool`, `Pool`, `pool` → `pool`.
    static func kind(_ key: String) -> String? {
        var name = key.lowercased()
        if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        if name.hasPrefix("avi_") { name.removeFirst(4) }
        return kinds[name]
    }

    public func extract(_ file: ScannedFile) throws -> FileFacts {
        var records: [String: [String: YAMLNode]] = [:]
        var pending = try YAMLParser().parse(try file.text())
        while let node = pending.popLast() {
            switch node.content {
            case .scalar: continue
            case .sequence(let items): pending += items
            case .mapping(let pairs):
                for pair in pairs {
                    if let key = pair.key.scalar, let kind = Self.kind(key) {
                        for record in pair.value.sequence ?? [pair.value] where record.mapping != nil {
                            if let name = record["name"]?.scalar { records[kind, default: [:]][name] = record }
                        }
                    }
                    pending.append(pair.value)
                }
            }
        }
        func location(_ node: YAMLNode) -> SourceLocation {
            SourceLocation(path: file.path, line: node.start.line, column: node.start.column)
        }
        func referenced(_ kind: String, _ node: YAMLNode?) -> YAMLNode? {
            guard let text = node?.scalar else { return nil }
            let name = text.components(separatedBy: "name=").last?.components(separatedBy: "&").first ?? text
            return records[kind]?[name]
        }
        var facts = FileFacts()
        for (name, service) in (records["virtualservice"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let profile = service["application_profile_ref"]?.scalar?.lowercased() ?? "system-http"
            let layer: Layer = profile.contains("l4") || profile.contains("tcp") ? .l4 : .l7
            var certificates: [CertificateReference] = []
            for reference in service["ssl_key_and_certificate_refs"]?.sequence ?? [] {
                if let record = referenced("sslkeyandcertificate", reference),
                    let pem = record["certificate"]?["certificate"]?.scalar, pem.contains("-----BEGIN")
                {
                    certificates.append(
                        try .embedded(
                            pem: pem, in: file.path, what: "the SSL key and certificate \(reference.scalar ?? "")",
                            at: reference, referencedAt: location(reference)))
                } else {
                    certificates.append(
                        .unreadable(
                            description: "certificate \(reference.scalar ?? "")", location: location(reference),
                            problem: "is not an SSL key and certificate with inline PEM in this file"))
                }
            }
            var remotePort: SourceLocation?
            for policies in service["http_policies"]?.sequence ?? [] {
                if let set = referenced("httppolicyset", policies["http_policy_set_ref"]),
                    Self.mentions(.remotePort, set)
                {
                    remotePort = location(set)
                }
            }
            var backends: [BackendReference] = []
            if let poolReference = service["pool_ref"] {
                if let pool = referenced("pool", poolReference) {
                    let usesTLS = pool["ssl_profile_ref"] != nil
                    var defaultPort: Int?
                    if case .int(let value)? = pool["default_server_port"]?.resolved { defaultPort = value }
                    let members = (pool["servers"]?.sequence ?? []).map { server -> PoolMember in
                        let host = server["hostname"]?.scalar ?? server["ip"]?["addr"]?.scalar ?? "a server"
                        var port = defaultPort
                        if case .int(let value)? = server["port"]?.resolved { port = value }
                        return PoolMember(
                            name: host, host: host, port: port, location: location(server), usesTLS: usesTLS,
                            verifiesCertificate: usesTLS, caFile: nil)
                    }
                    backends.append(
                        .pool(
                            Pool(
                                name: pool["name"]?.scalar ?? "pool", location: location(pool), members: members,
                                healthCheckPath: nil, forwardedForHeader: nil, remotePortHeader: nil)))
                } else if !(poolReference.scalar ?? "").contains("{{") {
                    backends.append(.missing(name: poolReference.scalar ?? "pool", location: location(poolReference)))
                }
            }
            for entry in service["services"]?.sequence ?? [] {
                guard case .int(let port)? = entry["port"]?.resolved else { continue }  // templated ports are not read
                let terminates = entry["enable_ssl"]?.resolved == .bool(true)
                let at = location(entry)
                facts.listeners.append(
                    Listener(
                        name: "virtualservice \(name)", file: file.path, port: port, location: at,
                        sectionLocation: location(service), layer: layer,
                        layerLocation: service["application_profile_ref"].map(location), terminatesTLS: terminates,
                        certificates: terminates ? certificates : [],
                        backends: backends, forwardedForHeader: layer == .l7 ? location(service) : nil,
                        remotePortHeader: layer == .l7 ? remotePort : nil))
            }
        }
        return facts
    }

    /// A header name anywhere under `hdr` mappings of a policy set.
    static func mentions(_ wanted: ForwardingHeader, _ node: YAMLNode) -> Bool {
        var pending = [node]
        while let current = pending.popLast() {
            if let header = current["hdr"],
                let name = (header["name"]?.scalar ?? header.sequence?.first?["name"]?.scalar),
                ForwardingHeader(name: name) == wanted
            {
                return true
            }
            pending += (current.mapping?.map(\.value) ?? []) + (current.sequence ?? [])
        }
        return false
    }
}
