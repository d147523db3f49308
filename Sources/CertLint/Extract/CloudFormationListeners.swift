/// Listeners, target groups and certificates of a CloudFormation template (see `AWSLoadBalancers`
/// for what each AWS setting means).
extension CloudFormationTemplate {
    static let prefix = "AWS::ElasticLoadBalancingV2::"

    func listeners() -> [Listener] {
        resources.keys.sorted().compactMap { id in
            type(of: id) == Self.prefix + "Listener" ? listener(id) : nil
        }
    }

    private func listener(_ id: String) -> Listener? {
        guard let resource = resources[id], let properties = properties(id) else { return nil }
        let blockLocation = location(resource)
        guard let port = properties["Port"].map({ evaluate($0) })?.int else { return nil }  // a role needs a port
        var unknowns: [String] = []
        let balancerType = balancerType(properties, unknowns: &unknowns)
        let protocolNode = properties["Protocol"]
        let protocolValue = protocolNode.map { evaluate($0) } ?? .unknown("Protocol is not set")
        let protocolLocation = protocolNode.map(location) ?? blockLocation
        var terminates = false
        var layer = Layer.l4
        if let text = protocolValue.string?.uppercased() {
            terminates = text == "HTTPS" || text == "TLS"
            layer = balancerType == "application" || text.hasPrefix("HTTP") ? .l7 : .l4
        } else {
            unknowns.append("Protocol (\(protocolValue.unknownReason ?? "not text"))")
        }
        let insertsHeaders = layer == .l7 && terminates
        let policy = properties["SslPolicy"]
        let policyName = policy.map { evaluate($0).string } ?? AWSSecurityPolicy.apiDefault
        let versions = policyName.flatMap(AWSSecurityPolicy.versions)
        return Listener(
            name: id, file: path, port: port, location: protocolLocation, sectionLocation: blockLocation, layer: layer,
            layerLocation: protocolLocation, terminatesTLS: terminates, certificates: certificates(of: id, properties),
            backends: backends(properties), forwardedForHeader: insertsHeaders ? protocolLocation : nil,
            remotePortHeader: insertsHeaders ? protocolLocation : nil, unknowns: unknowns,
            tlsVersions: terminates ? versions : nil)
    }

    /// The `Type` of the load balancer a listener's `LoadBalancerArn` names (`application` when unset).
    private func balancerType(_ properties: YAMLNode, unknowns: inout [String]) -> String {
        guard let arn = properties["LoadBalancerArn"].map({ evaluate($0) }) else { return "application" }
        guard case .resourceAttribute(let balancer, _) = arn, type(of: balancer) == Self.prefix + "LoadBalancer" else {
            unknowns.append(
                "the load balancer behind LoadBalancerArn (\(arn.unknownReason ?? "defined outside the template"))")
            return "application"
        }
        let value = self.properties(balancer)?["Type"].map { evaluate($0) } ?? .string("application")
        guard let text = value.string else {
            unknowns.append("the Type of \(balancer) (\(value.unknownReason ?? "not text"))")
            return "application"
        }
        return text
    }

    /// The listener's certificates, then more for SNI (ListenerCertificate resources that name it);
    /// the default one stays first.
    private func certificates(of id: String, _ properties: YAMLNode) -> [CertificateReference] {
        var entries = properties["Certificates"]?.sequence ?? []
        for other in resources.keys.sorted() where type(of: other) == Self.prefix + "ListenerCertificate" {
            guard let extra = self.properties(other),
                case .resourceAttribute(id, _)? = extra["ListenerArn"].map({ evaluate($0) })
            else { continue }
            entries += extra["Certificates"]?.sequence ?? []
        }
        return entries.compactMap { entry in
            entry["CertificateArn"].map { certificate(evaluate($0), at: location($0)) }
        }
    }

    /// The target groups of the default actions, direct or in a `ForwardConfig`.
    private func backends(_ properties: YAMLNode) -> [BackendReference] {
        var backends: [BackendReference] = []
        for action in properties["DefaultActions"]?.sequence ?? [] {
            var arns: [YAMLNode] = []
            if let arn = action["TargetGroupArn"] { arns.append(arn) }
            for group in action["ForwardConfig"]?["TargetGroups"]?.sequence ?? [] {
                if let arn = group["TargetGroupArn"] { arns.append(arn) }
            }
            for arnNode in arns {
                let arn = evaluate(arnNode)
                if case .resourceAttribute(let group, _) = arn, let pool = targetGroup(group) {
                    backends.append(.pool(pool))
                } else {
                    backends.append(
                        .missing(
                            name: arn.string ?? "target group (\(arn.unknownReason ?? "not a reference"))",
                            location: location(arnNode)))
                }
            }
        }
        return backends
    }

    private func certificate(_ value: TerraformValue, at location: SourceLocation) -> CertificateReference {
        guard case .resourceAttribute(let id, _) = value else {
            if let arn = value.string {
                return .unreadable(
                    description: "certificate \(arn)", location: location, problem: "is not defined in the repository")
            }
            return .unreadable(
                description: "CertificateArn", location: location,
                problem: "is not known (\(value.unknownReason ?? "not an ARN"))")
        }
        guard type(of: id) == "AWS::CertificateManager::Certificate", let properties = properties(id),
            let domainNode = properties["DomainName"]
        else {
            return .unreadable(
                description: "certificate \(id)", location: location,
                problem: "is not an AWS::CertificateManager::Certificate with a DomainName")
        }
        let domain = evaluate(domainNode)
        guard let name = domain.string else {
            return .unreadable(
                description: "the DomainName of \(id)", location: self.location(domainNode),
                problem: "is not known (\(domain.unknownReason ?? "not text"))")
        }
        var names = [name]
        if let sansNode = properties["SubjectAlternativeNames"] {
            let sans = evaluate(sansNode)
            guard let list = sans.list, list.allSatisfy({ $0.string != nil }) else {
                return .unreadable(
                    description: "the SubjectAlternativeNames of \(id)", location: self.location(sansNode),
                    problem: "are not known (\(sans.unknownReason ?? "not a list"))")
            }
            names += list.compactMap(\.string).filter { $0 != name }
        }
        return .issued(
            IssuedCertificate(
                names: names, issuer: "AWS Certificate Manager", identity: id, location: self.location(resources[id]!),
                referencedAt: location))
    }

    private func targetGroup(_ id: String) -> Pool? {
        guard type(of: id) == Self.prefix + "TargetGroup", let resource = resources[id] else { return nil }
        let properties = properties(id)
        let protocolText = properties?["Protocol"].map { evaluate($0) }?.string?.uppercased() ?? "HTTP"
        let usesTLS = protocolText == "HTTPS" || protocolText == "TLS"
        let port = properties?["Port"].flatMap { evaluate($0).int }
        let groupLocation = (properties?["Protocol"] ?? properties?["Port"]).map(location) ?? location(resource)
        var members: [PoolMember] = []
        for target in properties?["Targets"]?.sequence ?? [] {
            let idValue = target["Id"].map { evaluate($0) }
            var host = "a target of \(id)"
            if let text = idValue?.string {
                host = text
            } else if case .resourceAttribute(let instance, _)? = idValue {
                host = instance
            }
            members.append(
                PoolMember(
                    name: "\(id) target \(host)", host: host, port: target["Port"].flatMap { evaluate($0).int } ?? port,
                    location: location(target), usesTLS: usesTLS, verifiesCertificate: false, caFile: nil))
        }
        if members.isEmpty {
            members.append(
                PoolMember(
                    name: id, host: "targets of \(id)", port: port, location: groupLocation, usesTLS: usesTLS,
                    verifiesCertificate: false, caFile: nil))
        }
        return Pool(
            name: id, location: location(resource), members: members,
            healthCheckPath: properties?["HealthCheckPath"].flatMap { evaluate($0).string })
    }
}
