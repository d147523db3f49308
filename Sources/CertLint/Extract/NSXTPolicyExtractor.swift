/// NSX-T Policy API JSON (hierarchical `children`, or plain objects) with `LBVirtualServer`,
/// `LBPool`, `LBHttpProfile`/`LBFastTcpProfile`, `TlsCertificate` objects, in the terms of
/// `NSXTLoadBalancers`: an HTTP application profile is Layer 7, a fast TCP profile Layer 4;
/// `client_ssl_profile_binding` terminates TLS, `server_ssl_profile_binding` re-encrypts;
/// `x_forwarded_for: INSERT` and an `LBHttpRequestHeaderRewriteAction` for `Remoteport` insert
/// the headers.
struct NSXTPolicyExtractor: Extractor {
    let format = "NSX-T Policy API JSON"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        !file.isBinary && ["json", "yaml", "yml"].contains(file.fileExtension) && file.contains("LBVirtualServer")
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        let document = Document(file: file, root: try YAMLParser().parse(try file.text()))
        var facts = FileFacts()
        for server in (document.objects["LBVirtualServer"] ?? []).sorted(by: { $0.start < $1.start }) {
            facts.listeners += try document.listeners(of: server)
        }
        return facts
    }
}

/// The objects of one Policy API document, by type and by id, path or display name.
private struct Document {
    let file: ScannedFile
    var objects: [String: [YAMLNode]] = [:]
    var byID: [String: YAMLNode] = [:]

    init(file: ScannedFile, root: [YAMLNode]) {
        self.file = file
        for (node, _) in YAMLMappings(under: root) {
            guard let type = node["resource_type"]?.scalar else { continue }
            objects[type, default: []].append(node)
            for key in ["id", "path", "display_name"] {
                if let value = node[key]?.scalar {
                    byID[value.split(separator: "/").last.map(String.init) ?? value] = node
                }
            }
        }
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file.path, node)
    }

    func object(_ path: YAMLNode?) -> YAMLNode? {
        guard let text = path?.scalar, let last = text.split(separator: "/").last else { return nil }
        return byID[String(last)]
    }

    /// One listener per port of an `LBVirtualServer`.
    func listeners(of server: YAMLNode) throws -> [Listener] {
        let ports = (server["ports"]?.sequence ?? []).compactMap { $0.scalar.flatMap(Int.init) }
        let profile = object(server["application_profile_path"])
        let profileType = profile?["resource_type"]?.scalar ?? server["application_profile_path"]?.scalar ?? ""
        let layer: Layer = profileType.lowercased().contains("http") ? .l7 : .l4
        let clientSSL = server["client_ssl_profile_binding"]
        let certificates = try clientSSL.map(certificates(of:)) ?? []
        let headers = insertedHeaders(server, profile: profile)
        let backends = backends(of: server)
        let name = "LBVirtualServer " + (server["id"]?.scalar ?? server["display_name"]?.scalar ?? "")
        let at =
            clientSSL.map(location) ?? (server["ports"] ?? server["application_profile_path"]).map(location)
            ?? location(server)
        return ports.map { port in
            Listener(
                name: name, file: file.path, port: port, location: at, sectionLocation: location(server),
                layer: layer, layerLocation: server["application_profile_path"].map(location),
                terminatesTLS: clientSSL != nil, certificates: certificates, backends: backends,
                forwardedForHeader: layer == .l7 ? headers.forwardFor : nil,
                remotePortHeader: layer == .l7 ? headers.remotePort : nil)
        }
    }

    /// The default certificate of a client SSL binding, embedded as `pem_encoded` in this file.
    func certificates(of binding: YAMLNode) throws -> [CertificateReference] {
        guard let path = binding["default_certificate_path"] else { return [] }
        guard let certificate = object(path), let pem = certificate["pem_encoded"]?.scalar, pem.contains("-----BEGIN")
        else {
            return [
                .unreadable(
                    description: "certificate \(path.scalar ?? "")", location: location(path),
                    problem: "is not a TlsCertificate with pem_encoded in this file")
            ]
        }
        return [
            try .embedded(
                pem: pem, in: file.path, what: "the certificate \(path.scalar ?? "")", at: certificate,
                referencedAt: location(path))
        ]
    }

    /// Where the profile's `x_forwarded_for` and the server's header rewrite rules insert the headers.
    func insertedHeaders(_ server: YAMLNode, profile: YAMLNode?) -> (
        forwardFor: SourceLocation?, remotePort: SourceLocation?
    ) {
        var forwardFor: SourceLocation?
        if let profile, let mode = profile["x_forwarded_for"]?.scalar, mode == "INSERT" || mode == "REPLACE" {
            forwardFor = location(profile)
        }
        var remotePort: SourceLocation?
        for rule in server["rules"]?.sequence ?? [] {
            for action in rule["actions"]?.sequence ?? []
            where action["type"]?.scalar == "LBHttpRequestHeaderRewriteAction" {
                switch ForwardingHeader(name: action["header_name"]?.scalar ?? "") {
                case .remotePort?: remotePort = remotePort ?? location(action)
                case .forwardedFor?: forwardFor = forwardFor ?? location(action)
                case nil: break
                }
            }
        }
        return (forwardFor, remotePort)
    }

    /// The server's pool; its members use TLS when a server SSL binding re-encrypts.
    func backends(of server: YAMLNode) -> [BackendReference] {
        guard let poolPath = server["pool_path"] else { return [] }
        guard let pool = object(poolPath) else {
            return [.missing(name: poolPath.scalar ?? "pool", location: location(poolPath))]
        }
        let reencrypts = server["server_ssl_profile_binding"] != nil
        let members = (pool["members"]?.sequence ?? []).map { member in
            let host = member["ip_address"]?.scalar ?? member["display_name"]?.scalar ?? "a member"
            return PoolMember(
                name: member["display_name"]?.scalar ?? host, host: host,
                port: member["port"]?.scalar.flatMap(Int.init), location: location(member),
                usesTLS: reencrypts, verifiesCertificate: reencrypts, caFile: nil)
        }
        return [
            .pool(
                Pool(
                    name: pool["id"]?.scalar ?? "pool", location: location(pool), members: members))
        ]
    }
}
