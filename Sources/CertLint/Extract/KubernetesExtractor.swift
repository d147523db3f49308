import Foundation

/// Kubernetes manifests (multi-document YAML): `Service` (type LoadBalancer or NodePort),
/// `Ingress` and `Secret` of type `kubernetes.io/tls`.
///
/// In Kubernetes' terms: a LoadBalancer Service forwards TCP to its pods (Layer 4 passthrough),
/// unless the cloud's annotation terminates TLS on listed ports
/// (`service.beta.kubernetes.io/aws-load-balancer-ssl-ports` with `-ssl-cert`). An Ingress with
/// `tls` terminates TLS at the ingress controller (Layer 7, 443) with the Secret named by
/// `secretName`; with ingress-nginx's `nginx.ingress.kubernetes.io/ssl-passthrough: "true"` it
/// passes TLS through; `nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"` re-encrypts to the
/// pods. ingress-nginx inserts `X-Forwarded-For` itself; `RemotePort` needs a
/// `configuration-snippet` with `proxy_set_header RemotePort $remote_port`. Helm chart templates
/// (a `templates/` folder beside `Chart.yaml`, or `{{ … }}`) are not YAML yet: noted, not parsed.
struct KubernetesExtractor: Extractor {
    let format = "Kubernetes"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary, file.fileExtension == "yaml" || file.fileExtension == "yml" else { return false }
        guard !ManifestReader.fileNames.contains(String(file.name)) else { return false }
        // YAML, or JSON (which is YAML too) in a .yaml file.
        let yaml = file.contains("apiVersion:") && file.contains("kind:")
        let json = file.contains("\"apiVersion\"") && file.contains("\"kind\"")
        return (yaml || json) && (file.contains("Service") || file.contains("Ingress") || file.contains("Secret"))
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        var facts = FileFacts()
        let text = try file.text()
        if text.contains("{{") {
            facts.notes.append(
                ScanNote(
                    path: file.path,
                    message: "is a template ({{ … }}), e.g. of a Helm chart; not read as Kubernetes YAML"))
            return facts
        }
        let documents = try YAMLParser().parse(text)
        var secrets: [String: CertificateReference] = [:]
        var services: [String: YAMLNode] = [:]
        for document in documents {
            switch document["kind"]?.scalar {
            case "Secret":
                guard let name = document["metadata"]?["name"]?.scalar,
                    let data = document["data"]?["tls.crt"] ?? document["stringData"]?["tls.crt"]
                else { continue }
                secrets[name] = try certificate(data, stringData: document["data"]?["tls.crt"] == nil, file: file)
            case "Service":
                if let name = document["metadata"]?["name"]?.scalar { services[name] = document }
            default: break
            }
        }
        for document in documents {
            switch document["kind"]?.scalar {
            case "Service": facts.listeners += serviceListeners(document, file: file)
            case "Ingress":
                facts.listeners += ingressListeners(document, file: file, secrets: secrets, services: services)
            default: break
            }
        }
        return facts
    }

    private func location(_ node: YAMLNode, _ file: ScannedFile) -> SourceLocation {
        SourceLocation(file.path, node)
    }

    /// `tls.crt` of a TLS Secret: base64 under `data`, plain PEM under `stringData`.
    private func certificate(_ node: YAMLNode, stringData: Bool, file: ScannedFile) throws -> CertificateReference {
        var value = node.scalar ?? ""
        if value.utf8.contains(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            value = String(
                decoding: value.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }, as: UTF8.self)
        }
        var pem = node.scalar ?? ""
        if !stringData {
            guard let data = Data(base64Encoded: value), let decoded = String(data: data, encoding: .utf8) else {
                throw FormatError("the Secret's data.tls.crt is not valid base64", at: node.start)
            }
            pem = decoded
        }
        return try .embedded(
            pem: pem, in: file.path, what: "the Secret's tls.crt", at: node, referencedAt: location(node, file))
    }

    private func annotations(_ document: YAMLNode) -> [String: String] {
        Dictionary(
            (document["metadata"]?["annotations"]?.mapping ?? []).compactMap { pair in
                pair.key.scalar.map { ($0, pair.value.scalar ?? "") }
            }, uniquingKeysWith: { $1 })
    }

    private func serviceListeners(_ service: YAMLNode, file: ScannedFile) -> [Listener] {
        let type = service["spec"]?["type"]?.scalar ?? "ClusterIP"
        guard type == "LoadBalancer" || type == "NodePort" else { return [] }
        let name = "Service " + (service["metadata"]?["name"]?.scalar ?? "")
        let notes = annotations(service)
        let sslPorts = (notes["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"] ?? "").split(separator: ",").map
        { $0.trimmingCharacters(in: .whitespaces) }
        let hasCertificate = notes["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"] != nil
        return (service["spec"]?["ports"]?.sequence ?? []).compactMap { port in
            guard case .int(let number)? = port["port"]?.resolved else { return nil }
            let terminates =
                hasCertificate
                && (sslPorts.contains("\(number)") || sslPorts.contains("*")
                    || sslPorts.contains(port["name"]?.scalar ?? "-"))
            var target: Int?
            if case .int(let value)? = port["targetPort"]?.resolved {
                target = value
            } else if port["targetPort"] == nil {
                target = number
            }
            let portLocation = location(port, file)
            let member = PoolMember(
                name: name, host: "pods of \(name)", port: target, location: location(port["targetPort"] ?? port, file),
                usesTLS: false, verifiesCertificate: false, caFile: nil)
            return Listener(
                name: name, file: file.path, port: number, location: portLocation,
                sectionLocation: location(service, file), layer: .l4, layerLocation: portLocation,
                terminatesTLS: terminates,
                backends: [
                    .pool(
                        Pool(
                            name: name, location: location(service, file), members: [member]))
                ])
        }
    }

    private func ingressListeners(
        _ ingress: YAMLNode, file: ScannedFile, secrets: [String: CertificateReference], services: [String: YAMLNode]
    ) -> [Listener] {
        let name = "Ingress " + (ingress["metadata"]?["name"]?.scalar ?? "")
        let notes = annotations(ingress)
        let passthrough = notes["nginx.ingress.kubernetes.io/ssl-passthrough"] == "true"
        let reencrypt = notes["nginx.ingress.kubernetes.io/backend-protocol"]?.uppercased() == "HTTPS"
        guard let spec = ingress["spec"] else { return [] }
        let tls = spec["tls"]?.sequence ?? []
        var certificates: [CertificateReference] = []
        for entry in tls {
            guard let secretNode = entry["secretName"], let secret = secretNode.scalar else { continue }
            certificates.append(
                secrets[secret]
                    ?? .unreadable(
                        description: "Secret \(secret)", location: location(secretNode, file),
                        problem: "is not a kubernetes.io/tls Secret in the same file"))
        }
        let members = ingressMembers(spec, file: file, services: services, usesTLS: reencrypt || passthrough)
        let terminates = !tls.isEmpty && !passthrough
        let headerLocation = location(ingress["metadata"] ?? ingress, file)
        let snippet = notes["nginx.ingress.kubernetes.io/configuration-snippet"] ?? ""
        // The snippet is NGINX configuration: `proxy_set_header RemotePort $remote_port;`.
        let remotePort = snippet.split(separator: "\n").contains { line in
            let words = line.split(whereSeparator: \.isWhitespace)
            return words.count >= 2 && words[0] == "proxy_set_header" && ForwardingHeader(name: words[1]) == .remotePort
        }
        let tlsLocation = tls.first.map { location($0, file) } ?? location(spec, file)
        return [
            Listener(
                name: name, file: file.path, port: tls.isEmpty ? 80 : 443, location: tlsLocation,
                sectionLocation: location(ingress, file),
                layer: passthrough ? .l4 : .l7, layerLocation: headerLocation, terminatesTLS: terminates,
                certificates: terminates ? certificates : [],
                backends: [
                    .pool(
                        Pool(
                            name: name, location: location(spec, file), members: members))
                ],
                forwardedForHeader: passthrough ? nil : headerLocation,
                remotePortHeader: remotePort ? headerLocation : nil)
        ]
    }

    /// The Services an Ingress's rules send to; the Service's targetPort is where the pods listen.
    private func ingressMembers(_ spec: YAMLNode, file: ScannedFile, services: [String: YAMLNode], usesTLS: Bool)
        -> [PoolMember]
    {
        var members: [PoolMember] = []
        for rule in spec["rules"]?.sequence ?? [] {
            for path in rule["http"]?["paths"]?.sequence ?? [] {
                guard let backend = path["backend"]?["service"], let serviceName = backend["name"]?.scalar else {
                    continue
                }
                var port: Int?
                if case .int(let value)? = backend["port"]?["number"]?.resolved { port = value }
                if let service = services[serviceName],
                    let declared = service["spec"]?["ports"]?.sequence?.first(where: { entry in
                        if case .int(let value)? = entry["port"]?.resolved { return value == port }
                        return entry["name"]?.scalar == backend["port"]?["name"]?.scalar
                    }), case .int(let target)? = declared["targetPort"]?.resolved
                {
                    port = target
                }
                members.append(
                    PoolMember(
                        name: "Service \(serviceName)", host: "pods of Service \(serviceName)", port: port,
                        location: location(backend, file), usesTLS: usesTLS, verifiesCertificate: false, caFile: nil))
            }
        }
        return members
    }
}
