/// VMware NSX Advanced Load Balancer (Avi) through its Terraform provider: `avi_virtualservice`,
/// `avi_pool`, `avi_sslkeyandcertificate`, `avi_httppolicyset`, and `avi_applicationprofile`
/// data sources.
///
/// In Avi's terms: a virtual service's *application profile* decides the layer
/// (`System-L4-Application` is Layer 4, the HTTP profiles Layer 7); a service with
/// `enable_ssl = true` terminates TLS with the virtual service's SSL key and certificate; a pool
/// with an `ssl_profile_ref` re-encrypts to its servers. Avi's HTTP profiles insert
/// `X-Forwarded-For` by default; `RemotePort` needs an HTTP request policy that adds the header.
struct AviLoadBalancers: TerraformProject.Provider {
    func listeners(in evaluator: TerraformEvaluator) -> [Listener] {
        var result: [Listener] = []
        for resource in evaluator.module.resources where resource.type == "avi_virtualservice" {
            for instance in evaluator.instances(of: resource.block) {
                result += listeners(resource, instance.key, instance.scope, evaluator)
            }
        }
        return result
    }

    /// The layer from the application profile reference: a resource or data source with a name.
    private func layer(_ attribute: HCLAttribute?, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator)
        -> Layer?
    {
        guard let attribute else { return .l7 }  // Avi's default profile is System-HTTP
        var name = evaluator.evaluate(attribute.expression, scope).string
        if let reference = attribute.expression.referenceName {
            let parts = reference.split(separator: ".")
            if parts.first == "data", parts.count >= 3,
                let data = evaluator.module.dataSources["\(parts[1]).\(parts[2])"]
            {
                name = evaluator.value(data.block.body, "name")?.string
            } else if parts.count >= 2, let resource = evaluator.module.resource("\(parts[0]).\(parts[1])") {
                name =
                    evaluator.value(resource.block.body, "name")?.string
                    ?? evaluator.value(resource.block.body, "type")?.string
            }
        }
        guard let text = name?.lowercased() else { return nil }
        if text.contains("l4") || text.contains("tcp") { return .l4 }
        if text.contains("http") { return .l7 }
        return nil
    }

    private func listeners(
        _ resource: TerraformModule.Resource, _ key: String?, _ scope: TerraformEvaluator.Scope,
        _ evaluator: TerraformEvaluator
    ) -> [Listener] {
        let body = resource.block.body
        let blockLocation = SourceLocation(resource.path, resource.block.range)
        let profile = body.attribute("application_profile_ref")
        let profileLocation = profile.map { SourceLocation(resource.path, $0.range) } ?? blockLocation
        var unknowns: [String] = []
        let layer =
            self.layer(profile, scope, evaluator)
            ?? {
                unknowns.append("application_profile_ref (not a profile certlint can name)")
                return .l4
            }()
        let certificates = certificates(resource, scope, evaluator)
        let remotePort = remotePortPolicy(body, scope, evaluator)
        let backends = evaluator.backends(
            "pool_ref", of: resource, scope, poolType: "avi_pool", unlike: "not a reference"
        ) { pool($0, evaluator) }
        let name = resource.address + (key.map { "[\($0)]" } ?? "")
        return evaluator.blocks("services", in: body, scope: scope).compactMap { service in
            guard let port = evaluator.value(service.body, "port", service.scope)?.int else { return nil }
            let terminates = evaluator.value(service.body, "enable_ssl", service.scope)?.bool ?? false
            return Listener(
                name: name, file: resource.path, port: port,
                location: terminates ? SourceLocation(resource.path, service.body.range) : profileLocation,
                sectionLocation: blockLocation, layer: layer, layerLocation: profileLocation, terminatesTLS: terminates,
                certificates: terminates ? certificates : [], backends: backends,
                forwardedForHeader: layer == .l7 ? profileLocation : nil, remotePortHeader: remotePort,
                unknowns: unknowns)
        }
    }

    /// The first of `ssl_key_and_certificate_refs`, as an avi_sslkeyandcertificate with file() content.
    private func certificates(
        _ resource: TerraformModule.Resource, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator
    ) -> [CertificateReference] {
        guard let attribute = resource.block.body.attribute("ssl_key_and_certificate_refs") else { return [] }
        let location = SourceLocation(resource.path, attribute.range)
        let value = evaluator.evaluate(attribute.expression, scope)
        let first = value.list?.first ?? value
        if let certificate = evaluator.referencedResource(first),
            let file = evaluator.blocks("certificate", in: certificate.block.body, scope: [:]).first.flatMap({
                evaluator.fileReference($0.body, "certificate", at: location)
            })
        {
            return [.file(file)]
        }
        return [
            .unreadable(
                description: "ssl_key_and_certificate_refs", location: location,
                problem: "is not an avi_sslkeyandcertificate with file() content in this module")
        ]
    }

    /// Where an HTTP policy set of the virtual service adds RemotePort (X-Forwarded-For is the
    /// HTTP profile's own).
    private func remotePortPolicy(_ body: HCLBody, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator)
        -> SourceLocation?
    {
        var remotePort: SourceLocation?
        for policies in evaluator.blocks("http_policies", in: body, scope: scope) {
            guard
                let set = evaluator.referencedResource(
                    evaluator.value(policies.body, "http_policy_set_ref", policies.scope))
            else { continue }
            if mentionsHeader(.remotePort, in: set.block.body, evaluator) {
                remotePort = SourceLocation(set.path, set.block.range)
            }
        }
        return remotePort
    }

    /// A header name anywhere in a policy set's `hdr` blocks.
    private func mentionsHeader(_ header: ForwardingHeader, in body: HCLBody, _ evaluator: TerraformEvaluator) -> Bool {
        for block in body.blocks {
            if block.type == "hdr", let name = evaluator.value(block.body, "name")?.string,
                ForwardingHeader(name: name) == header
            {
                return true
            }
            if mentionsHeader(header, in: block.body, evaluator) { return true }
        }
        return false
    }

    private func pool(_ resource: TerraformModule.Resource, _ evaluator: TerraformEvaluator) -> Pool {
        let body = resource.block.body
        let usesTLS = body.attribute("ssl_profile_ref") != nil
        let defaultPort = evaluator.value(body, "default_server_port")?.int
        var members: [PoolMember] = []
        for (server, scope) in evaluator.blocks("servers", in: body, scope: [:]) {
            let address = evaluator.blocks("ip", in: server, scope: scope).first.flatMap {
                evaluator.value($0.body, "addr", $0.scope)?.string
            }
            let host =
                evaluator.value(server, "hostname", scope)?.string ?? address ?? "a server of \(resource.address)"
            members.append(
                PoolMember(
                    name: host, host: host, port: evaluator.value(server, "port", scope)?.int ?? defaultPort,
                    location: SourceLocation(resource.path, server.range), usesTLS: usesTLS,
                    verifiesCertificate: usesTLS, caFile: nil))
        }
        return Pool(
            name: resource.address, location: SourceLocation(resource.path, resource.block.range), members: members)
    }
}
