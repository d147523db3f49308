/// F5 BIG-IP through its Terraform provider: `bigip_ltm_virtual_server`, `bigip_ltm_pool`,
/// `bigip_ltm_pool_attachment`, `bigip_ltm_profile_client_ssl`/`_server_ssl`,
/// `bigip_ltm_profile_http`, `bigip_ltm_irule`, `bigip_ssl_certificate`.
///
/// In F5's terms: a virtual server with a *client SSL profile* terminates TLS from clients; a
/// *server SSL profile* opens TLS to the pool members (re-encryption); an *HTTP profile* makes it
/// Layer 7; with only *fastL4* or *tcp* profiles it forwards TCP untouched (L4 passthrough).
/// `X-Forwarded-For` is inserted by an HTTP profile with `insert_xforwarded_for = "enabled"` or
/// an iRule `HTTP::header insert X-Forwarded-For …`; `RemotePort` by an iRule such as
/// `HTTP::header insert RemotePort [TCP::client_port]`.
struct BigIPLoadBalancers: TerraformProject.Provider {
    func listeners(in evaluator: TerraformEvaluator) -> [Listener] {
        var result: [Listener] = []
        for resource in evaluator.module.resources where resource.type == "bigip_ltm_virtual_server" {
            for instance in evaluator.instances(of: resource.block) {
                if let listener = listener(resource, instance.key, instance.scope, evaluator) {
                    result.append(listener)
                }
            }
        }
        return result
    }

    private func listener(
        _ resource: TerraformModule.Resource, _ key: String?, _ scope: TerraformEvaluator.Scope,
        _ evaluator: TerraformEvaluator
    ) -> Listener? {
        let body = resource.block.body
        let blockLocation = SourceLocation(resource.path, resource.block.range)
        guard let port = evaluator.value(body, "port", scope)?.int else { return nil }
        let profiles = ["profiles", "client_profiles", "server_profiles"].flatMap { evaluator.strings(body, $0, scope) }
        let profileLocation =
            ["profiles", "client_profiles", "server_profiles"].compactMap { body.attribute($0) }.first.map {
                SourceLocation(resource.path, $0.range)
            } ?? blockLocation
        func kind(_ profile: String) -> String {
            if let declared = evaluator.resource(
                ofType: [
                    "bigip_ltm_profile_client_ssl", "bigip_ltm_profile_server_ssl", "bigip_ltm_profile_http",
                    "bigip_ltm_profile_fastl4", "bigip_ltm_profile_tcp",
                ], named: profile)
            {
                return declared.type
            }
            let name = profile.lowercased()
            if name.contains("clientssl") || name.contains("client-ssl") || name.contains("client_ssl") {
                return "bigip_ltm_profile_client_ssl"
            }
            if name.contains("serverssl") || name.contains("server-ssl") || name.contains("server_ssl") {
                return "bigip_ltm_profile_server_ssl"
            }
            if name.hasSuffix("/http") || name == "http" || name.contains("http") { return "bigip_ltm_profile_http" }
            return "bigip_ltm_profile_tcp"
        }
        let kinds = profiles.map(kind)
        let terminates = kinds.contains("bigip_ltm_profile_client_ssl")
        let reencrypts = kinds.contains("bigip_ltm_profile_server_ssl")
        let layer: Layer = kinds.contains("bigip_ltm_profile_http") ? .l7 : .l4

        // The client SSL profile's certificate, as a bigip_ssl_certificate with file() content.
        var certificates: [CertificateReference] = []
        for profile in profiles where kind(profile) == "bigip_ltm_profile_client_ssl" {
            guard let declared = evaluator.resource(ofType: ["bigip_ltm_profile_client_ssl"], named: profile) else {
                continue
            }
            let certificateName = evaluator.value(declared.block.body, "cert")?.string
            let location = SourceLocation(
                declared.path,
                (declared.block.body.attribute("cert") ?? declared.block.body.attribute("name")).map(\.range)
                    ?? declared.block.range)
            if let certificateName,
                let certificate = evaluator.resource(ofType: ["bigip_ssl_certificate"], named: certificateName),
                let file = evaluator.fileReference(certificate.block.body, "content", at: location)
            {
                certificates.append(.file(file))
            } else {
                certificates.append(
                    .unreadable(
                        description: "certificate \(certificateName ?? "of \(profile)")", location: location,
                        problem: "is not a bigip_ssl_certificate with file() content in this module"))
            }
        }

        // Headers: the HTTP profile's insert_xforwarded_for, or iRules.
        var forwardFor: SourceLocation?
        var remotePort: SourceLocation?
        for profile in profiles where kind(profile) == "bigip_ltm_profile_http" {
            if let declared = evaluator.resource(ofType: ["bigip_ltm_profile_http"], named: profile),
                evaluator.value(declared.block.body, "insert_xforwarded_for")?.string == "enabled"
            {
                forwardFor = SourceLocation(
                    declared.path, declared.block.body.attribute("insert_xforwarded_for")!.range)
            }
        }
        for rule in evaluator.strings(body, "irules", scope) {
            guard let declared = evaluator.resource(ofType: ["bigip_ltm_irule"], named: rule),
                let text = evaluator.value(declared.block.body, "irule")?.string
            else { continue }
            let location = SourceLocation(declared.path, declared.block.range)
            let inserted = ForwardingHeader.insertedByIRule(text)
            if inserted.contains(.forwardedFor) { forwardFor = forwardFor ?? location }
            if inserted.contains(.remotePort) { remotePort = remotePort ?? location }
        }

        var backends: [BackendReference] = []
        if let poolValue = evaluator.value(body, "pool", scope) {
            let poolResource =
                evaluator.referencedResource(poolValue)
                ?? poolValue.string.flatMap { evaluator.resource(ofType: ["bigip_ltm_pool"], named: $0) }
            if let poolResource {
                backends.append(.pool(pool(poolResource, usesTLS: reencrypts, evaluator)))
            } else {
                backends.append(
                    .missing(
                        name: poolValue.string ?? "pool (\(poolValue.unknownReason ?? "not a name"))",
                        location: SourceLocation(resource.path, body.attribute("pool")!.range)))
            }
        }
        let name = resource.address + (key.map { "[\($0)]" } ?? "")
        return Listener(
            name: name, file: resource.path, port: port,
            location: terminates
                ? profileLocation
                : (body.attribute("port").map { SourceLocation(resource.path, $0.range) } ?? blockLocation),
            sectionLocation: blockLocation, layer: layer, layerLocation: profileLocation, terminatesTLS: terminates,
            certificates: certificates,
            backends: backends, forwardedForHeader: forwardFor, remotePortHeader: remotePort)
    }

    private func pool(_ resource: TerraformModule.Resource, usesTLS: Bool, _ evaluator: TerraformEvaluator) -> Pool {
        var members: [PoolMember] = []
        for attachment in evaluator.module.resources where attachment.type == "bigip_ltm_pool_attachment" {
            for instance in evaluator.instances(of: attachment.block) {
                let pool = evaluator.value(attachment.block.body, "pool", instance.scope)
                let matches =
                    evaluator.referencedResource(pool)?.address == resource.address
                    || pool?.string.map {
                        evaluator.resource(ofType: ["bigip_ltm_pool"], named: $0)?.address == resource.address
                    } == true
                guard matches, let node = evaluator.value(attachment.block.body, "node", instance.scope)?.string else {
                    continue
                }
                let (host, port) = splitHostPort(node)
                members.append(
                    PoolMember(
                        name: attachment.address + (instance.key.map { "[\($0)]" } ?? ""), host: host, port: port,
                        location: SourceLocation(attachment.path, attachment.block.range), usesTLS: usesTLS,
                        verifiesCertificate: usesTLS, caFile: nil))
            }
        }
        let health = evaluator.strings(resource.block.body, "monitors").first
        return Pool(
            name: resource.address, location: SourceLocation(resource.path, resource.block.range), members: members,
            healthCheckPath: health, forwardedForHeader: nil, remotePortHeader: nil)
    }
}
