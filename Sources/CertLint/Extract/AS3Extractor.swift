import Foundation

/// F5 AS3 declarations (JSON or YAML, `"class": "AS3"` or `"ADC"`).
///
/// In AS3's terms: `Service_HTTPS` and `Service_HTTP` are Layer 7 virtual servers (default ports
/// 443 and 80), `Service_TCP`, `Service_L4` and `Service_TLS` Layer 4. `serverTLS` names the
/// `TLS_Server` that terminates TLS from clients; `clientTLS` names the `TLS_Client` that opens
/// TLS to the pool (re-encryption). A `Service_HTTPS` without `clientTLS` forwards plain HTTP to
/// its pool. `X-Forwarded-For` comes from an `HTTP_Profile` with `xForwardedFor: true` or an
/// `iRule` with `HTTP::header insert X-Forwarded-For`; `RemotePort` from an iRule such as
/// `HTTP::header insert RemotePort [TCP::client_port]`.
struct AS3Extractor: Extractor {
    let format = "F5 AS3"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary, ["json", "yaml", "yml"].contains(file.fileExtension), !file.name.hasSuffix(".tf.json")
        else { return false }
        return file.contains("\"AS3\"") || file.contains("\"ADC\"") || file.contains("class: AS3")
            || file.contains("class: ADC")
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        var facts = FileFacts()
        for document in try YAMLParser().parse(try file.text()) {
            var adc = document
            if document["class"]?.scalar == "AS3", let declaration = document["declaration"] { adc = declaration }
            guard adc["class"]?.scalar == "ADC" else { continue }
            for tenant in adc.mapping ?? [] where tenant.value["class"]?.scalar == "Tenant" {
                for application in tenant.value.mapping ?? [] where application.value["class"]?.scalar == "Application"
                {
                    facts.listeners += try AS3Application(file: file, node: application.value).listeners()
                }
            }
        }
        return facts
    }
}

private struct AS3Application {
    let file: ScannedFile
    let node: YAMLNode

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file.path, node)
    }

    /// An object of the application by a reference: `"name"`, `{"use": "name"}` or a full path.
    func object(_ reference: YAMLNode?) -> (name: String, node: YAMLNode)? {
        guard let reference else { return nil }
        let text = reference.scalar ?? reference["use"]?.scalar
        guard let name = text?.split(separator: "/").last.map(String.init), let found = node[name] else { return nil }
        return (name, found)
    }

    func listeners() throws -> [Listener] {
        var result: [Listener] = []
        for pair in node.mapping ?? [] {
            guard let kind = pair.value["class"]?.scalar, kind.hasPrefix("Service_"), let name = pair.key.scalar else {
                continue
            }
            let service = pair.value
            let defaultPort = kind == "Service_HTTPS" ? 443 : (kind == "Service_HTTP" ? 80 : nil)
            var port = defaultPort
            if case .int(let value)? = service["virtualPort"]?.resolved { port = value }
            guard let port else { continue }
            let layer: Layer = kind == "Service_HTTPS" || kind == "Service_HTTP" ? .l7 : .l4
            let server = object(service["serverTLS"])
            let client = object(service["clientTLS"])
            var certificates: [CertificateReference] = []
            if let server {
                for entry in server.node["certificates"]?.sequence ?? [] {
                    guard let certificate = object(entry["certificate"]) else { continue }
                    certificates.append(
                        try self.certificate(certificate.node, name: certificate.name, referencedAt: location(entry)))
                }
            }
            var forwardFor: SourceLocation?
            var remotePort: SourceLocation?
            if let profile = object(service["profileHTTP"]), profile.node["xForwardedFor"]?.resolved == .bool(true) {
                forwardFor = location(profile.node["xForwardedFor"]!)
            }
            for reference in service["iRules"]?.sequence ?? [] {
                guard let rule = object(reference) else { continue }
                let text =
                    rule.node["iRule"]?.scalar ?? rule.node["iRule"]?["base64"]?.scalar.flatMap {
                        Data(base64Encoded: $0)
                    }.map { String(decoding: $0, as: UTF8.self) } ?? ""
                let inserted = ForwardingHeader.insertedByIRule(text)
                if inserted.contains(.forwardedFor) { forwardFor = forwardFor ?? location(rule.node) }
                if inserted.contains(.remotePort) { remotePort = remotePort ?? location(rule.node) }
            }
            var backends: [BackendReference] = []
            if let poolReference = service["pool"] {
                if let pool = object(poolReference) {
                    backends.append(.pool(self.pool(pool.name, pool.node, usesTLS: client != nil)))
                } else {
                    backends.append(
                        .missing(
                            name: poolReference.scalar ?? poolReference["use"]?.scalar ?? "pool",
                            location: location(poolReference)))
                }
            }
            let terminates = server != nil
            let at = service["serverTLS"].map(location) ?? service["virtualPort"].map(location) ?? location(service)
            result.append(
                Listener(
                    name: "\(kind) \(name)", file: file.path, port: port,
                    location: terminates ? at : (service["virtualPort"] ?? service["class"]).map(location) ?? at,
                    sectionLocation: location(service), layer: layer, layerLocation: service["class"].map(location),
                    terminatesTLS: terminates,
                    certificates: certificates, backends: backends, forwardedForHeader: forwardFor,
                    remotePortHeader: remotePort))
        }
        return result
    }

    func certificate(_ node: YAMLNode, name: String, referencedAt: SourceLocation) throws -> CertificateReference {
        guard let pem = node["certificate"]?.scalar, pem.contains("-----BEGIN") else {
            return .unreadable(
                description: "certificate \(name)", location: referencedAt,
                problem: "is not inline PEM in the declaration (a BIG-IP object or URL)")
        }
        return try .embedded(
            pem: pem, in: file.path, what: "the Certificate \(name)", at: node, referencedAt: referencedAt)
    }

    func pool(_ name: String, _ node: YAMLNode, usesTLS: Bool) -> Pool {
        var members: [PoolMember] = []
        for member in node["members"]?.sequence ?? [] {
            var port: Int?
            if case .int(let value)? = member["servicePort"]?.resolved { port = value }
            let hosts =
                (member["serverAddresses"]?.sequence ?? []).compactMap(\.scalar)
                + [member["hostname"]?.scalar].compactMap { $0 }
            for host in hosts {
                members.append(
                    PoolMember(
                        name: host, host: host, port: port, location: location(member), usesTLS: usesTLS,
                        verifiesCertificate: usesTLS, caFile: nil))
            }
        }
        return Pool(
            name: name, location: location(node), members: members)
    }
}
