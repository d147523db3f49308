/// AWS Elastic Load Balancing v2 in Terraform (`aws_lb`/`aws_alb`, `aws_lb_listener`,
/// `aws_lb_target_group`, `aws_lb_target_group_attachment`, `aws_acm_certificate`,
/// `aws_iam_server_certificate`).
///
/// In AWS's terms: an Application Load Balancer (`load_balancer_type = "application"`, the
/// default) always works at Layer 7; its `HTTPS` listener terminates TLS, and a target group with
/// protocol `HTTPS` re-encrypts to the targets. An ALB inserts `X-Forwarded-For` itself and passes
/// other request headers (the `RemotePort` header the cert proxy flow carries) through unchanged.
/// A Network Load Balancer works at Layer 4: a `TCP` listener passes bytes through untouched, a
/// `TLS` listener terminates TLS (and a `TLS` target group re-encrypts) but cannot insert HTTP
/// headers. `certificate_arn` names an ACM certificate: ACM-issued (`domain_name` and
/// `subject_alternative_names`, publicly trusted by definition) or imported (`certificate_body`).
struct AWSLoadBalancers: TerraformProject.Provider {
    static let listenerTypes: Set<String> = ["aws_lb_listener", "aws_alb_listener"]

    func listeners(in evaluator: TerraformEvaluator) -> [Listener] {
        var result: [Listener] = []
        for resource in evaluator.module.resources where Self.listenerTypes.contains(resource.type) {
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
        let name = resource.address + (key.map { "[\($0)]" } ?? "")
        let blockLocation = SourceLocation(resource.path, resource.block.range)
        let portValue = body.attribute("port").map { evaluator.evaluate($0.expression, scope) }
        // A listener whose port is not known cannot take a role in a deployment (roles come from
        // ports); a deployment that needed it reports its 443 mode or certificate as unknown (CP031).
        guard let port = portValue?.int else { return nil }
        var unknowns: [String] = []

        let loadBalancerType = loadBalancerType(body, scope, evaluator, unknowns: &unknowns)
        let protocolAttribute = body.attribute("protocol")
        let protocolValue =
            protocolAttribute.map { evaluator.evaluate($0.expression, scope) }
            ?? .string(loadBalancerType == "application" ? "HTTP" : "TCP")
        let protocolLocation = protocolAttribute.map { SourceLocation(resource.path, $0.range) } ?? blockLocation
        var terminates = false
        var layer = Layer.l4
        if let text = protocolValue.string?.uppercased() {
            terminates = text == "HTTPS" || text == "TLS"
            layer = loadBalancerType == "application" || text == "HTTP" || text == "HTTPS" ? .l7 : .l4
        } else {
            unknowns.append("protocol (\(protocolValue.unknownReason ?? "not text"))")
        }

        // An ALB inserts X-Forwarded-For and passes the RemotePort request header through.
        let insertsHeaders = layer == .l7 && terminates
        let policy = body.attribute("ssl_policy")
        let policyName = policy.map { evaluator.evaluate($0.expression, scope).string } ?? AWSSecurityPolicy.apiDefault
        let versions = policyName.flatMap(AWSSecurityPolicy.versions)
        return Listener(
            name: name, file: resource.path, port: port, location: protocolLocation, sectionLocation: blockLocation,
            layer: layer, layerLocation: protocolLocation, terminatesTLS: terminates,
            certificates: certificates(of: resource, scope, evaluator),
            backends: backends(of: resource, scope, evaluator),
            forwardedForHeader: insertsHeaders ? protocolLocation : nil,
            remotePortHeader: insertsHeaders ? protocolLocation : nil, unknowns: unknowns,
            tlsVersions: terminates ? versions : nil)
    }

    /// The `load_balancer_type` of the balancer `load_balancer_arn` names, which decides the layer.
    private func loadBalancerType(
        _ body: HCLBody, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator, unknowns: inout [String]
    ) -> String {
        var loadBalancerType = "application"
        if let arn = body.attribute("load_balancer_arn").map({ evaluator.evaluate($0.expression, scope) }) {
            if case .resourceAttribute(let address, _) = arn,
                let balancer = evaluator.module.resource(address.components(separatedBy: "[")[0])
            {
                let type =
                    balancer.block.body.attribute("load_balancer_type").map { evaluator.evaluate($0.expression) }
                    ?? .string(balancer.type == "aws_alb" ? "application" : "application")
                if let text = type.string {
                    loadBalancerType = text
                } else {
                    unknowns.append("the load_balancer_type of \(address) (\(type.unknownReason ?? "not text"))")
                }
            } else if arn.isUnknown || arn.string != nil {
                unknowns.append(
                    "the load balancer behind load_balancer_arn (\(arn.unknownReason ?? "an ARN defined outside the repository"))"
                )
            }
        }
        return loadBalancerType
    }

    /// The listener's certificate, then more for SNI (aws_lb_listener_certificate); the default one stays first.
    private func certificates(
        of resource: TerraformModule.Resource, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator
    ) -> [CertificateReference] {
        let body = resource.block.body
        var certificates: [CertificateReference] = []
        if let attribute = body.attribute("certificate_arn") {
            certificates.append(
                certificate(
                    evaluator.evaluate(attribute.expression, scope), at: SourceLocation(resource.path, attribute.range),
                    evaluator))
        }
        for extra in evaluator.module.resources
        where extra.type == "aws_lb_listener_certificate" || extra.type == "aws_alb_listener_certificate" {
            guard case .resourceAttribute(let target, _)? = evaluator.value(extra.block.body, "listener_arn"),
                target.components(separatedBy: "[")[0] == resource.address,
                let attribute = extra.block.body.attribute("certificate_arn")
            else { continue }
            certificates.append(
                certificate(
                    evaluator.evaluate(attribute.expression), at: SourceLocation(extra.path, attribute.range), evaluator
                ))
        }
        return certificates
    }

    /// The target groups of the default actions, direct or in a `forward` block.
    private func backends(
        of resource: TerraformModule.Resource, _ scope: TerraformEvaluator.Scope, _ evaluator: TerraformEvaluator
    ) -> [BackendReference] {
        var backends: [BackendReference] = []
        for action in evaluator.blocks("default_action", in: resource.block.body, scope: scope) {
            var arns: [(TerraformValue, SourceLocation)] = []
            if let arn = action.body.attribute("target_group_arn") {
                arns.append(
                    (evaluator.evaluate(arn.expression, action.scope), SourceLocation(resource.path, arn.range)))
            }
            for forward in evaluator.blocks("forward", in: action.body, scope: action.scope) {
                for group in evaluator.blocks("target_group", in: forward.body, scope: forward.scope) {
                    if let arn = group.body.attribute("arn") {
                        arns.append(
                            (evaluator.evaluate(arn.expression, group.scope), SourceLocation(resource.path, arn.range)))
                    }
                }
            }
            for (arn, arnLocation) in arns {
                if case .resourceAttribute(let address, _) = arn, let pool = targetGroup(address, evaluator) {
                    backends.append(.pool(pool))
                } else {
                    backends.append(
                        .missing(
                            name: arn.string ?? "target group (\(arn.unknownReason ?? "not a reference"))",
                            location: arnLocation))
                }
            }
        }
        return backends
    }

    /// What `certificate_arn` names.
    private func certificate(_ value: TerraformValue, at location: SourceLocation, _ evaluator: TerraformEvaluator)
        -> CertificateReference
    {
        guard case .resourceAttribute(let address, _) = value else {
            if let arn = value.string {
                return .unreadable(
                    description: "certificate \(arn)", location: location, problem: "is not defined in the repository")
            }
            return .unreadable(
                description: "certificate_arn", location: location,
                problem: "is not known (\(value.unknownReason ?? "not an ARN"))")
        }
        let base = address.components(separatedBy: "[")[0]
        guard let resource = evaluator.module.resource(base),
            resource.type == "aws_acm_certificate" || resource.type == "aws_iam_server_certificate"
        else {
            return .unreadable(
                description: "certificate \(address)", location: location,
                problem: "is not an aws_acm_certificate or aws_iam_server_certificate of this module")
        }
        let body = resource.block.body
        if let pem = body.attribute("certificate_body") {
            // file("certs/x.pem") names a repository file; anything else is read as text.
            if case .call(let function, let arguments, _, _) = pem.expression,
                function == "file" || function == "filebase64", let argument = arguments.first,
                let written = evaluator.evaluate(argument).string
            {
                return .file(
                    FileReference(path: evaluator.repositoryPath(written), location: location, baseDirectory: ""))
            }
            return .unreadable(
                description: "the certificate_body of \(address)", location: SourceLocation(resource.path, pem.range),
                problem: "is not a file() of a repository path")
        }
        let domain = body.attribute("domain_name").map { evaluator.evaluate($0.expression) }
        guard let name = domain?.string else {
            return .unreadable(
                description: "the domain_name of \(address)",
                location: SourceLocation(resource.path, resource.block.range),
                problem: "is not known (\(domain?.unknownReason ?? "missing"))")
        }
        var names = [name]
        if let sans = body.attribute("subject_alternative_names").map({ evaluator.evaluate($0.expression) }) {
            guard let list = sans.list, list.allSatisfy({ $0.string != nil }) else {
                return .unreadable(
                    description: "the subject_alternative_names of \(address)",
                    location: SourceLocation(resource.path, resource.block.range),
                    problem: "are not known (\(sans.unknownReason ?? "not a list"))")
            }
            names += list.compactMap(\.string).filter { $0 != name }
        }
        return .issued(
            IssuedCertificate(
                names: names, issuer: "AWS Certificate Manager", identity: address,
                location: SourceLocation(resource.path, resource.block.range), referencedAt: location))
    }

    /// A target group and its registered targets.
    private func targetGroup(_ address: String, _ evaluator: TerraformEvaluator) -> Pool? {
        let base = address.components(separatedBy: "[")[0]
        guard let resource = evaluator.module.resource(base),
            resource.type == "aws_lb_target_group" || resource.type == "aws_alb_target_group"
        else { return nil }
        let body = resource.block.body
        let protocolText =
            body.attribute("protocol").map { evaluator.evaluate($0.expression) }?.string?.uppercased() ?? "HTTP"
        let usesTLS = protocolText == "HTTPS" || protocolText == "TLS"
        let port = body.attribute("port").flatMap { evaluator.evaluate($0.expression).int }
        let health = evaluator.blocks("health_check", in: body, scope: [:]).first.flatMap { $0.body.attribute("path") }
            .flatMap { evaluator.evaluate($0.expression).string }
        let groupLocation = SourceLocation(
            resource.path, (body.attribute("port") ?? body.attribute("protocol")).map(\.range) ?? resource.block.range)
        var members: [PoolMember] = []
        for attachment in evaluator.module.resources
        where attachment.type == "aws_lb_target_group_attachment"
            || attachment.type == "aws_alb_target_group_attachment"
        {
            for instance in evaluator.instances(of: attachment.block) {
                guard
                    case .resourceAttribute(let target, _)? = attachment.block.body.attribute("target_group_arn").map({
                        evaluator.evaluate($0.expression, instance.scope)
                    }),
                    target.components(separatedBy: "[")[0] == base
                else { continue }
                let targetID = attachment.block.body.attribute("target_id").map {
                    evaluator.evaluate($0.expression, instance.scope)
                }
                var host = "a target of \(base)"
                if let text = targetID?.string {
                    host = text
                } else if case .resourceAttribute(let instanceAddress, _)? = targetID {
                    host = instanceAddress
                }
                let attachmentPort = attachment.block.body.attribute("port").flatMap {
                    evaluator.evaluate($0.expression, instance.scope).int
                }
                members.append(
                    PoolMember(
                        name: attachment.address + (instance.key.map { "[\($0)]" } ?? ""), host: host,
                        port: attachmentPort ?? port,
                        location: SourceLocation(attachment.path, attachment.block.range), usesTLS: usesTLS,
                        verifiesCertificate: false, caFile: nil))
            }
        }
        if members.isEmpty {
            // No attachment in the repository (an autoscaling group registers them): the target
            // group's own protocol and port stand for every target.
            members.append(
                PoolMember(
                    name: base, host: "targets of \(base)", port: port, location: groupLocation, usesTLS: usesTLS,
                    verifiesCertificate: false, caFile: nil))
        }
        return Pool(
            name: base, location: SourceLocation(resource.path, resource.block.range), members: members,
            healthCheckPath: health)
    }
}
