/// CP004, CP006, CP011, CP013 on what the ports presented, compared with each other:
/// - CP004: the VIP's cert proxy port presents another certificate than the nodes' cert proxy,
///   so the load balancer terminates it (it presents its own).
/// - CP006: the VIP answers on 5263.
/// - CP011: under 443 passthrough, a host's cert proxy presents another certificate than its 443.
/// - CP013: a node's 5263 presents another certificate than its 443 (or, when 443 was not
///   observed, than the repository's service certificate).
struct LivePortRule: LiveRule {
    let ruleIDs: [RuleID] = [.cp004, .cp006, .cp011, .cp013]

    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation) {
        for item in context.observations {
            let target = item.target
            let name = target.deployment.name
            switch (target.host, target.role) {
            case (.vip, .certProxy):
                guard let leaf = item.observation.leaf else { continue }
                let nodeLeaves = context.observations.filter {
                    $0.target.deployment.name == name && !$0.target.isVIP && $0.target.role == .certProxy
                }.compactMap(\.observation.leaf)
                let terminating = target.deployment.listeners(.service).flatMap(\.listener.certificates)
                let lbCertificate = target.deployment.publicCertificate
                let location = target.declaration
                if let node = nodeLeaves.first(where: { $0.sha256 != leaf.sha256 }) {
                    evaluation.report(
                        .cp004, target.subject, at: location, .terminated(target, presents: leaf, nodesPresent: node))
                } else if nodeLeaves.isEmpty, let lb = lbCertificate, lb.leaf?.sha256 == leaf.sha256,
                    let proxy = target.deployment.certProxyCertificate, proxy.identity != lb.identity,
                    !terminating.isEmpty
                {
                    evaluation.report(
                        .cp004, target.subject, at: location,
                        .presentsLoadBalancerCertificate(target, lb, insteadOf: proxy))
                } else {
                    evaluation.checked(.cp004, target.subject, at: location)
                }
                checkPassthroughPair(item, context, &evaluation)
            case (.vip, .secondary):
                if item.observation.leaf != nil {
                    evaluation.report(
                        .cp006, target.subject, at: target.declaration, .answersOnVIP(target))
                } else {
                    evaluation.checked(.cp006, target.subject, at: target.declaration)
                }
            case (.node, .certProxy):
                checkPassthroughPair(item, context, &evaluation)
            case (.node, .secondary):
                guard let leaf = item.observation.leaf else { continue }
                let requirement = Requirement.secondaryPort(target.endpoint.port)
                if compareWithService(.cp013, item, requirement, context, &evaluation) { continue }
                // 443 of that node was not observed: compare with what the repository declares.
                guard let declared = target.deployment.serviceCertificate else { continue }
                let location = target.expectedCertificate?.referenceLocation ?? target.declaration
                if CertificateDriftRule.matches(leaf, declared) {
                    evaluation.checked(.cp013, target.subject, at: location)
                } else {
                    evaluation.report(
                        .cp013, target.subject, at: location,
                        .notService(requirement, declared: declared, target: target, presents: leaf))
                }
            default:
                continue
            }
        }
    }

    /// CP011: under 443 passthrough, a host's cert proxy presents what its 443 presents.
    private func checkPassthroughPair(
        _ item: TargetedObservation, _ context: LiveContext, _ evaluation: inout Evaluation
    ) {
        guard item.target.deployment.mode?.mode == .passthrough else { return }
        _ = compareWithService(.cp011, item, .passthrough, context, &evaluation)
    }

    /// Judges `ruleID` by whether the port presents what the same host's 443 presented; false
    /// when either was not observed.
    private func compareWithService(
        _ ruleID: RuleID, _ item: TargetedObservation, _ requirement: Requirement, _ context: LiveContext,
        _ evaluation: inout Evaluation
    ) -> Bool {
        guard let leaf = item.observation.leaf, let service = context.sibling(of: item, role: .service),
            let serviceLeaf = service.observation.leaf
        else {
            return false
        }
        let target = item.target
        let location = target.expectedCertificate?.referenceLocation ?? target.declaration
        if serviceLeaf.sha256 == leaf.sha256 {
            evaluation.checked(ruleID, target.subject, at: location)
        } else {
            evaluation.report(
                ruleID, target.subject, at: location,
                .notService(
                    requirement, target: target, presents: leaf, service: service.observation.endpoint,
                    servicePresents: serviceLeaf))
        }
        return true
    }

    /// What a port must present: the Access service's certificate, for one of two reasons.
    enum Requirement {
        /// CP011: 443 is SSL passthrough, so the cert proxy presents what 443 presents.
        case passthrough
        /// CP013: a node's secondary port presents what its 443 presents.
        case secondaryPort(Int)
    }
}

extension Finding.Message {
    fileprivate static func terminated(
        _ target: EndpointTarget, presents leaf: CertificateInfo, nodesPresent node: CertificateInfo
    ) -> Self {
        Self(
            "deployment \(target.deployment.name): \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint)) while the nodes' cert proxy presents \(node.summary) (\(node.shortFingerprint)): the load balancer terminates TLS on the cert proxy port instead of passing it through"
        )
    }

    fileprivate static func presentsLoadBalancerCertificate(
        _ target: EndpointTarget, _ lb: CertificateUse, insteadOf proxy: CertificateUse
    ) -> Self {
        Self(
            "deployment \(target.deployment.name): \(target.endpoint) presents the load balancer's certificate \(lb.path) instead of the cert proxy's \(proxy.path): the load balancer terminates TLS on the cert proxy port"
        )
    }

    fileprivate static func answersOnVIP(_ target: EndpointTarget) -> Self {
        Self(
            "deployment \(target.deployment.name): \(target.endpoint) answers TLS on the VIP; 5263 is node-to-node and must not be published on the load balancer"
        )
    }

    /// Against the repository's service certificate, when the node's 443 was not observed.
    fileprivate static func notService(
        _ requirement: LivePortRule.Requirement, declared: CertificateUse, target: EndpointTarget,
        presents leaf: CertificateInfo
    ) -> Self {
        Self(
            "\(text(requirement, target)) \(declared.path) (\(declared.summary)); \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint))"
        )
    }

    /// Against what the same host's 443 presented.
    fileprivate static func notService(
        _ requirement: LivePortRule.Requirement, target: EndpointTarget, presents leaf: CertificateInfo,
        service: LiveEndpoint, servicePresents serviceLeaf: CertificateInfo
    ) -> Self {
        Self(
            "\(text(requirement, target)); \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint)), \(service) presents \(serviceLeaf.summary) (\(serviceLeaf.shortFingerprint))"
        )
    }

    private static func text(_ requirement: LivePortRule.Requirement, _ target: EndpointTarget) -> String {
        switch requirement {
        case .passthrough:
            "deployment \(target.deployment.name): 443 is SSL passthrough, so the cert proxy must present the Access service's certificate"
        case .secondaryPort(let port):
            "deployment \(target.deployment.name): port \(port) must present the Access service's certificate"
        }
    }
}
