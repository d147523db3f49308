/// VMware NSX-T through its Terraform provider: `nsxt_policy_lb_virtual_server`,
/// `nsxt_policy_lb_pool`, the application profiles and `nsxt_policy_certificate`-style paths.
///
/// In NSX's terms: a virtual server with an *HTTP application profile*
/// (`nsxt_policy_lb_http_application_profile`) is Layer 7, with a *fast TCP* profile Layer 4; a
/// `client_ssl` block terminates TLS from clients and a `server_ssl` block re-encrypts to the
/// pool. `X-Forwarded-For` comes from the HTTP profile's `x_forwarded_for = "INSERT"` (or
/// "REPLACE"); `Remoteport` from a rule action `http_request_header_rewrite` (VMware's own
/// automation writes `Remoteport: $_remote_port`).
struct NSXTLoadBalancers: TerraformProject.Provider {
    func listeners(in evaluator: TerraformEvaluator) -> [Listener] {
        var result: [Listener] = []
        for resource in evaluator.module.resources where resource.type == "nsxt_policy_lb_virtual_server" {
            for instance in evaluator.instances(of: resource.block) {
                result += listeners(resource, instance.key, instance.scope, evaluator)
            }
        }
        return result
    }

    private func listeners(
        _ resource: TerraformModule.Resource, _ key: String?, _ scope: TerraformEvaluator.Scope,
        _ evaluator: TerraformEvaluator
    ) -> [Listener] {
        let body = resource.block.body
        let blockLocation = SourceLocation(resource.path, resource.block.range)
        let ports = evaluator.strings(body, "ports", scope).compactMap { Int($0) }
        guard !ports.isEmpty else { return [] }
        var unknowns: [String] = []
        let profileAttribute = body.attribute("application_profile_path")
        let profileLocation = profileAttribute.map { SourceLocation(resource.path, $0.range) } ?? blockLocation
        let profile = evaluator.referencedResource(profileAttribute.map { evaluator.evaluate($0.expression, scope) })
        let layer = layer(profile, profileAttribute, scope, evaluator, unknowns: &unknowns)
        let clientSSL = evaluator.blocks("client_ssl", in: body, scope: scope).first
        let serverSSL = evaluator.blocks("server_ssl", in: body, scope: scope).first
        let certificates = clientSSL.map { self.certificates($0, resource, evaluator) } ?? []
        let headers = insertedHeaders(resource, profile: profile, scope, evaluator)
        let backends = evaluator.backends(
            "pool_path", of: resource, scope, poolType: "nsxt_policy_lb_pool", unlike: "not a path"
        ) { pool($0, usesTLS: serverSSL != nil, evaluator) }
        let name = resource.address + (key.map { "[\($0)]" } ?? "")
        let location = clientSSL.map { SourceLocation(resource.path, $0.body.range) } ?? profileLocation
        return ports.map { port in
            return Listener(
                name: name, file: resource.path, port: port, location: location, sectionLocation: blockLocation,
                layer: layer, layerLocation: profileLocation, terminatesTLS: clientSSL != nil,
                certificates: certificates, backends: backends, forwardedForHeader: headers.forwardFor,
                remotePortHeader: headers.remotePort, unknowns: unknowns)
        }
    }

    /// The layer from the application profile: its resource type, else what the path says.
    private func layer(
        _ profile: TerraformModule.Resource?, _ attribute: HCLAttribute?, _ scope: TerraformEvaluator.Scope,
        _ evaluator: TerraformEvaluator, unknowns: inout [String]
    ) -> Layer {
        switch profile?.type {
        case "nsxt_policy_lb_http_application_profile"?: return .l7
        case "nsxt_policy_lb_fast_tcp_application_profile"?, "nsxt_policy_lb_fast_udp_application_profile"?: return .l4
        default:
            let text = attribute.flatMap { evaluator.evaluate($0.expression, scope).string }?.lowercased() ?? ""
            if text.contains("http") { return .l7 }
            if !text.contains("tcp") { unknowns.append("application_profile_path (not a profile of this module)") }
            return .l4
        }
    }

    /// The client SSL block's default certificate, as a certificate resource with file() content.
    private func certificates(
        _ clientSSL: (body: HCLBody, scope: TerraformEvaluator.Scope), _ resource: TerraformModule.Resource,
        _ evaluator: TerraformEvaluator
    ) -> [CertificateReference] {
        guard let attribute = clientSSL.body.attribute("default_certificate_path") else { return [] }
        let location = SourceLocation(resource.path, attribute.range)
        let value = evaluator.evaluate(attribute.expression, clientSSL.scope)
        if let certificate = evaluator.referencedResource(value),
            let file = evaluator.fileReference(certificate.block.body, "certificate_pem", at: location)
                ?? evaluator.fileReference(certificate.block.body, "pem_encoded", at: location)
        {
            return [.file(file)]
        }
        return [
            .unreadable(
                description: "certificate \(value.string ?? "default_certificate_path")", location: location,
                problem: "is not a certificate with file() content in this module")
        ]
    }

    /// X-Forwarded-For from the HTTP profile; either header from a rule's header rewrite.
    private func insertedHeaders(
        _ resource: TerraformModule.Resource, profile: TerraformModule.Resource?, _ scope: TerraformEvaluator.Scope,
        _ evaluator: TerraformEvaluator
    ) -> (forwardFor: SourceLocation?, remotePort: SourceLocation?) {
        var forwardFor: SourceLocation?
        if let profile, let attribute = profile.block.body.attribute("x_forwarded_for"),
            let mode = evaluator.evaluate(attribute.expression).string, mode == "INSERT" || mode == "REPLACE"
        {
            forwardFor = SourceLocation(profile.path, attribute.range)
        }
        var remotePort: SourceLocation?
        for rule in evaluator.blocks("rule", in: resource.block.body, scope: scope) {
            for action in evaluator.blocks("action", in: rule.body, scope: rule.scope) {
                for rewrite in evaluator.blocks("http_request_header_rewrite", in: action.body, scope: action.scope) {
                    guard let header = evaluator.value(rewrite.body, "header_name", rewrite.scope)?.string else {
                        continue
                    }
                    let location = SourceLocation(resource.path, rewrite.body.range)
                    switch ForwardingHeader(name: header) {
                    case .remotePort?: remotePort = remotePort ?? location
                    case .forwardedFor?: forwardFor = forwardFor ?? location
                    case nil: break
                    }
                }
            }
        }
        return (forwardFor, remotePort)
    }

    private func pool(_ resource: TerraformModule.Resource, usesTLS: Bool, _ evaluator: TerraformEvaluator) -> Pool {
        var members: [PoolMember] = []
        for (body, scope) in evaluator.blocks("member", in: resource.block.body, scope: [:]) {
            let host =
                evaluator.value(body, "ip_address", scope)?.string ?? evaluator.value(body, "display_name", scope)?
                .string ?? "a member of \(resource.address)"
            members.append(
                PoolMember(
                    name: evaluator.value(body, "display_name", scope)?.string ?? host, host: host,
                    port: evaluator.value(body, "port", scope)?.int,
                    location: SourceLocation(resource.path, body.range), usesTLS: usesTLS, verifiesCertificate: usesTLS,
                    caFile: nil))
        }
        return Pool(
            name: resource.address, location: SourceLocation(resource.path, resource.block.range), members: members)
    }
}
