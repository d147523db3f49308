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
        let kinds = profiles.map { (name: $0, kind: kind($0, evaluator)) }
        let terminates = kinds.contains { $0.kind == Self.clientSSL }
        let reencrypts = kinds.contains { $0.kind == Self.serverSSL }
        let layer: Layer = kinds.contains { $0.kind == Self.http } ? .l7 : .l4
        let headers = insertedHeaders(
            httpProfiles: kinds.filter { $0.kind == Self.http }.map(\.name), body, scope, evaluator)
        let name = resource.address + (key.map { "[\($0)]" } ?? "")
        return Listener(
            name: name, file: resource.path, port: port,
            location: terminates
                ? profileLocation
                : (body.attribute("port").map { SourceLocation(resource.path, $0.range) } ?? blockLocation),
            sectionLocation: blockLocation, layer: layer, layerLocation: profileLocation, terminatesTLS: terminates,
            certificates: certificates(
                clientProfiles: kinds.filter { $0.kind == Self.clientSSL }.map(\.name), evaluator),
            backends: backends(of: resource, scope, reencrypts: reencrypts, evaluator),
            forwardedForHeader: headers.forwardFor, remotePortHeader: headers.remotePort)
    }

    static let clientSSL = "bigip_ltm_profile_client_ssl"
    static let serverSSL = "bigip_ltm_profile_server_ssl"
    static let http = "bigip_ltm_profile_http"

    /// A profile's kind: the type of the profile resource of that name, else what its name says.
    private func kind(_ profile: String, _ evaluator: TerraformEvaluator) -> String {
        if let declared = evaluator.resource(
            ofType: [Self.clientSSL, Self.serverSSL, Self.http, "bigip_ltm_profile_fastl4", "bigip_ltm_profile_tcp"],
            named: profile)
        {
            return declared.type
        }
        let name = profile.lowercased()
        if name.contains("clientssl") || name.contains("client-ssl") || name.contains("client_ssl") {
            return Self.clientSSL
        }
        if name.contains("serverssl") || name.contains("server-ssl") || name.contains("server_ssl") {
            return Self.serverSSL
        }
        if name.hasSuffix("/http") || name == "http" || name.contains("http") { return Self.http }
        return "bigip_ltm_profile_tcp"
    }

    /// The client SSL profiles' certificates, as bigip_ssl_certificate resources with file() content.
    private func certificates(clientProfiles: [String], _ evaluator: TerraformEvaluator) -> [CertificateReference] {
        clientProfiles.compactMap { profile in
            guard let declared = evaluator.resource(ofType: [Self.clientSSL], named: profile) else { return nil }
            let certificateName = evaluator.value(declared.block.body, "cert")?.string
            let location = SourceLocation(
                declared.path,
                (declared.block.body.attribute("cert") ?? declared.block.body.attribute("name")).map(\.range)
                    ?? declared.block.range)
            if let certificateName,
                let certificate = evaluator.resource(ofType: ["bigip_ssl_certificate"], named: certificateName),
                let file = evaluator.fileReference(certificate.block.body, "content", at: location)
            {
                return .file(file)
            }
            return .unreadable(
                description: "certificate \(certificateName ?? "of \(profile)")", location: location,
                problem: "is not a bigip_ssl_certificate with file() content in this module")
        }
    }

    /// Headers: the HTTP profile's insert_xforwarded_for, or iRules.
    private func insertedHeaders(
        httpProfiles: [String], _ body: HCLBody, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator
    ) -> (forwardFor: SourceLocation?, remotePort: SourceLocation?) {
        var forwardFor: SourceLocation?
        var remotePort: SourceLocation?
        for profile in httpProfiles {
            if let declared = evaluator.resource(ofType: [Self.http], named: profile),
                evaluator.value(declared.block.body, "insert_xforwarded_for")?.string == "enabled",
                let attribute = declared.block.body.attribute("insert_xforwarded_for")
            {
                forwardFor = SourceLocation(declared.path, attribute.range)
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
        return (forwardFor, remotePort)
    }

    /// The pool the virtual server names, by reference or by name.
    private func backends(
        of resource: TerraformModule.Resource, _ scope: TerraformEvaluator.Scope, reencrypts: Bool,
        _ evaluator: TerraformEvaluator
    ) -> [BackendReference] {
        let body = resource.block.body
        guard let poolValue = evaluator.value(body, "pool", scope), let attribute = body.attribute("pool") else {
            return []
        }
        let poolResource =
            evaluator.referencedResource(poolValue)
            ?? poolValue.string.flatMap { evaluator.resource(ofType: ["bigip_ltm_pool"], named: $0) }
        if let poolResource { return [.pool(pool(poolResource, usesTLS: reencrypts, evaluator))] }
        return [
            .missing(
                name: poolValue.string ?? "pool (\(poolValue.unknownReason ?? "not a name"))",
                location: SourceLocation(resource.path, attribute.range))
        ]
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
            healthCheckPath: health)
    }
}
