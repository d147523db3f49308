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
        var layer = Layer.l4
        switch profile?.type {
        case "nsxt_policy_lb_http_application_profile"?: layer = .l7
        case "nsxt_policy_lb_fast_tcp_application_profile"?, "nsxt_policy_lb_fast_udp_application_profile"?: layer = .l4
        default:
            let text = profileAttribute.flatMap { evaluator.evaluate($0.expression, scope).string }?.lowercased() ?? ""
            if text.contains("http") {
                layer = .l7
            } else if !text.contains("tcp") {
                unknowns.append("application_profile_path (not a profile of this module)")
            }
        }
        let clientSSL = evaluator.blocks("client_ssl", in: body, scope: scope).first
        let serverSSL = evaluator.blocks("server_ssl", in: body, scope: scope).first
        var certificates: [CertificateReference] = []
        if let clientSSL, let attribute = clientSSL.body.attribute("default_certificate_path") {
            let location = SourceLocation(resource.path, attribute.range)
            let value = evaluator.evaluate(attribute.expression, clientSSL.scope)
            if let certificate = evaluator.referencedResource(value),
                let file = evaluator.fileReference(certificate.block.body, "certificate_pem", at: location)
                    ?? evaluator.fileReference(certificate.block.body, "pem_encoded", at: location)
            {
                certificates.append(.file(file))
            } else {
                certificates.append(
                    .unreadable(
                        description: "certificate \(value.string ?? "default_certificate_path")", location: location,
                        problem: "is not a certificate with file() content in this module"))
            }
        }
        var forwardFor: SourceLocation?
        if let profile, let attribute = profile.block.body.attribute("x_forwarded_for"),
            let mode = evaluator.evaluate(attribute.expression).string, mode == "INSERT" || mode == "REPLACE"
        {
            forwardFor = SourceLocation(profile.path, attribute.range)
        }
        var remotePort: SourceLocation?
        for rule in evaluator.blocks("rule", in: body, scope: scope) {
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
        var backends: [BackendReference] = []
        if let attribute = body.attribute("pool_path") {
            let value = evaluator.evaluate(attribute.expression, scope)
            if let poolResource = evaluator.referencedResource(value), poolResource.type == "nsxt_policy_lb_pool" {
                backends.append(.pool(pool(poolResource, usesTLS: serverSSL != nil, evaluator)))
            } else {
                backends.append(
                    .missing(
                        name: value.string ?? "pool (\(value.unknownReason ?? "not a path"))",
                        location: SourceLocation(resource.path, attribute.range)))
            }
        }
        let name = resource.address + (key.map { "[\($0)]" } ?? "")
        let location = clientSSL.map { SourceLocation(resource.path, $0.body.range) } ?? profileLocation
        return ports.map { port in
            var listener = Listener(
                name: name, file: resource.path, port: port, location: location, sectionLocation: blockLocation,
                layer: layer,
                layerLocation: profileLocation, terminatesTLS: clientSSL != nil, certificates: certificates,
                backends: backends,
                forwardedForHeader: forwardFor, remotePortHeader: remotePort)
            listener.unknowns = unknowns
            return listener
        }
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
            name: resource.address, location: SourceLocation(resource.path, resource.block.range), members: members,
            healthCheckPath: nil, forwardedForHeader: nil, remotePortHeader: nil)
    }
}
