/// Avi / NSX Advanced Load Balancer configurations outside Terraform: configuration JSON exports
/// (`VirtualService`, `Pool`, `SSLKeyAndCertificate`, `HTTPPolicySet` lists) and Ansible tasks
/// (`avi_virtualservice` and friends, or an `avi_config` with `virtualservice`/`pool` lists). In
/// the terms of `AviLoadBalancers`; values that Ansible templates (`{{ … }}`) leave open are
/// unknown and their services are not read.
struct AviExtractor: Extractor {
    let format = "Avi"
    init() {}

    static let kinds: [String: String] = [
        "virtualservice": "virtualservice", "pool": "pool", "sslkeyandcertificate": "sslkeyandcertificate",
        "httppolicyset": "httppolicyset",
    ]

    func claims(_ file: ScannedFile) -> Bool {
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

    func extract(_ file: ScannedFile) throws -> FileFacts {
        let export = Export(file: file, roots: try YAMLParser().parse(try file.text()))
        var facts = FileFacts()
        for (name, service) in (export.records["virtualservice"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            facts.listeners += try export.listeners(of: service, named: name)
        }
        return facts
    }

    /// A header name anywhere under `hdr` mappings of a policy set.
    static func mentions(_ wanted: ForwardingHeader, _ node: YAMLNode) -> Bool {
        YAMLMappings(under: [node]).contains { node, _ in
            guard let header = node["hdr"],
                let name = (header["name"]?.scalar ?? header.sequence?.first?["name"]?.scalar)
            else { return false }
            return ForwardingHeader(name: name) == wanted
        }
    }
}

/// The records of one export or playbook, by kind and name.
private struct Export {
    let file: ScannedFile
    var records: [String: [String: YAMLNode]] = [:]

    init(file: ScannedFile, roots: [YAMLNode]) {
        self.file = file
        for (_, pairs) in YAMLMappings(under: roots) {
            for pair in pairs {
                guard let key = pair.key.scalar, let kind = AviExtractor.kind(key) else { continue }
                for record in pair.value.sequence ?? [pair.value] where record.mapping != nil {
                    if let name = record["name"]?.scalar { records[kind, default: [:]][name] = record }
                }
            }
        }
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file.path, node)
    }

    /// The record a reference names: `name`, or `/api/pool?name=NAME`.
    func referenced(_ kind: String, _ node: YAMLNode?) -> YAMLNode? {
        guard let text = node?.scalar else { return nil }
        let name = text.components(separatedBy: "name=").last?.components(separatedBy: "&").first ?? text
        return records[kind]?[name]
    }

    /// One listener per service port of a virtual service; templated ports are not read.
    func listeners(of service: YAMLNode, named name: String) throws -> [Listener] {
        let profile = service["application_profile_ref"]?.scalar?.lowercased() ?? "system-http"
        let layer: Layer = profile.contains("l4") || profile.contains("tcp") ? .l4 : .l7
        let certificates = try (service["ssl_key_and_certificate_refs"]?.sequence ?? []).map(certificate)
        var remotePort: SourceLocation?
        for policies in service["http_policies"]?.sequence ?? [] {
            if let set = referenced("httppolicyset", policies["http_policy_set_ref"]),
                AviExtractor.mentions(.remotePort, set)
            {
                remotePort = location(set)
            }
        }
        let backends = service["pool_ref"].map(backends(of:)) ?? []
        return (service["services"]?.sequence ?? []).compactMap { entry in
            guard case .int(let port)? = entry["port"]?.resolved else { return nil }
            let terminates = entry["enable_ssl"]?.resolved == .bool(true)
            return Listener(
                name: "virtualservice \(name)", file: file.path, port: port, location: location(entry),
                sectionLocation: location(service), layer: layer,
                layerLocation: service["application_profile_ref"].map(location), terminatesTLS: terminates,
                certificates: terminates ? certificates : [], backends: backends,
                forwardedForHeader: layer == .l7 ? location(service) : nil,
                remotePortHeader: layer == .l7 ? remotePort : nil)
        }
    }

    /// An `ssl_key_and_certificate_refs` entry: a record of this file with its PEM inline.
    func certificate(_ reference: YAMLNode) throws -> CertificateReference {
        guard let record = referenced("sslkeyandcertificate", reference),
            let pem = record["certificate"]?["certificate"]?.scalar, pem.contains("-----BEGIN")
        else {
            return .unreadable(
                description: "certificate \(reference.scalar ?? "")", location: location(reference),
                problem: "is not an SSL key and certificate with inline PEM in this file")
        }
        return try .embedded(
            pem: pem, in: file.path, what: "the SSL key and certificate \(reference.scalar ?? "")", at: reference,
            referencedAt: location(reference))
    }

    /// The pool a `pool_ref` names; a templated reference (`{{ … }}`) is not followed.
    func backends(of poolReference: YAMLNode) -> [BackendReference] {
        guard let pool = referenced("pool", poolReference) else {
            if (poolReference.scalar ?? "").contains("{{") { return [] }
            return [.missing(name: poolReference.scalar ?? "pool", location: location(poolReference))]
        }
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
        return [
            .pool(
                Pool(
                    name: pool["name"]?.scalar ?? "pool", location: location(pool), members: members))
        ]
    }
}
