/// NSX-T Policy API JSON (hierarchical `children`, or plain objects) with `LBVirtualServer`,
/// `LBPool`, `LBHttpProfile`/`LBFastTcpProfile`, `TlsCertificate` objects, in the terms of
/// `NSXTLoadBalancers`: an HTTP application profile is Layer 7, a fast TCP profile Layer 4;
/// `client_ssl_profile_binding` terminates TLS, `server_ssl_profile_binding` re-encrypts;
/// `x_forwarded_for: INSERT` and an `LBHttpRequestHeaderRewriteAction` for `Remoteport` insert
/// the headers.
public struct NSXTPolicyExtractor: Extractor {
    public let format = "NSX-T Policy API JSON"
    public init() {}

    public func claims(_ file: ScannedFile) -> Bool {
        !file.isBinary && ["json", "yaml", "yml"].contains(file.fileExtension) && file.contains("LBVirtualServer")
    }

    public func extract(_ file: ScannedFile) throws -> FileFacts {
        var objects: [String: [YAMLNode]] = [:]
        var byID: [String: YAMLNode] = [:]
        var pending = try YAMLParser().parse(try file.text())
        while let node = pending.popLast() {
            switch node.content {
            case .scalar: continue
            case .sequence(let items): pending += items
            case .mapping(let pairs):
                if let type = node["resource_type"]?.scalar {
                    objects[type, default: []].append(node)
                    for key in ["id", "path", "display_name"] {
                        if let value = node[key]?.scalar {
                            byID[value.split(separator: "/").last.map(String.init) ?? value] = node
                        }
                    }
                }
                pending += pairs.map(\.value)
            }
        }
        func location(_ node: YAMLNode) -> SourceLocation {
            SourceLocation(path: file.path, line: node.start.line, column: node.start.column)
        }
        func object(_ path: YAMLNode?) -> YAMLNode? {
            guard let text = path?.scalar, let last = text.split(separator: "/").last else { return nil }
            return byID[String(last)]
        }
        var facts = FileFacts()
        for server in (objects["LBVirtualServer"] ?? []).sorted(by: { $0.start < $1.start }) {
            let ports = (server["ports"]?.sequence ?? []).compactMap { $0.scalar.flatMap(Int.init) }
            let profile = object(server["application_profile_path"])
            let profileType = profile?["resource_type"]?.scalar ?? server["application_profile_path"]?.scalar ?? ""
            let layer: Layer = profileType.lowercased().contains("http") ? .l7 : .l4
            let clientSSL = server["client_ssl_profile_binding"]
            let serverSSL = server["server_ssl_profile_binding"]
            var certificates: [CertificateReference] = []
            if let binding = clientSSL, let path = binding["default_certificate_path"] {
                if let certificate = object(path), let pem = certificate["pem_encoded"]?.scalar,
                    pem.contains("-----BEGIN")
                {
                    certificates.append(
                        try .embedded(
                            pem: pem, in: file.path, what: "the certificate \(path.scalar ?? "")", at: certificate,
                            referencedAt: location(path)))
                } else {
                    certificates.append(
                        .unreadable(
                            description: "certificate \(path.scalar ?? "")", location: location(path),
                            problem: "is not a TlsCertificate with pem_encoded in this file"))
                }
            }
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
            var backends: [BackendReference] = []
            if let poolPath = server["pool_path"] {
                if let pool = object(poolPath) {
                    let members = (pool["members"]?.sequence ?? []).map { member in
                        let host = member["ip_address"]?.scalar ?? member["display_name"]?.scalar ?? "a member"
                        return PoolMember(
                            name: member["display_name"]?.scalar ?? host, host: host,
                            port: member["port"]?.scalar.flatMap(Int.init), location: location(member),
                            usesTLS: serverSSL != nil, verifiesCertificate: serverSSL != nil, caFile: nil)
                    }
                    backends.append(
                        .pool(
                            Pool(
                                name: pool["id"]?.scalar ?? "pool", location: location(pool), members: members,
                                healthCheckPath: nil, forwardedForHeader: nil, remotePortHeader: nil)))
                } else {
                    backends.append(.missing(name: poolPath.scalar ?? "pool", location: location(poolPath)))
                }
            }
            let name = "LBVirtualServer " + (server["id"]?.scalar ?? server["display_name"]?.scalar ?? "")
            let at =
                clientSSL.map(location) ?? (server["ports"] ?? server["application_profile_path"]).map(location)
                ?? location(server)
            for port in ports {
                facts.listeners.append(
                    Listener(
                        name: name, file: file.path, port: port, location: at, sectionLocation: location(server),
                        layer: layer,
                        layerLocation: server["application_profile_path"].map(location),
                        terminatesTLS: clientSSL != nil, certificates: certificates,
                        backends: backends, forwardedForHeader: layer == .l7 ? forwardFor : nil,
                        remotePortHeader: layer == .l7 ? remotePort : nil))
            }
        }
        return facts
    }
}
