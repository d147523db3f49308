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
                        .cp004, target.subject, at: location,
                        "deployment \(name): \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint)) while the nodes' cert proxy presents \(node.summary) (\(node.shortFingerprint)): the load balancer terminates TLS on the cert proxy port instead of passing it through"
                    )
                } else if nodeLeaves.isEmpty, let lb = lbCertificate, lb.leaf?.sha256 == leaf.sha256,
                    let proxy = target.deployment.certProxyCertificate, proxy.identity != lb.identity,
                    !terminating.isEmpty
                {
                    evaluation.report(
                        .cp004, target.subject, at: location,
                        "deployment \(name): \(target.endpoint) presents the load balancer's certificate \(lb.path) instead of the cert proxy's \(proxy.path): the load balancer terminates TLS on the cert proxy port"
                    )
                } else {
                    evaluation.checked(.cp004, target.subject, at: location)
                }
                checkPassthroughPair(item, context, &evaluation)
            case (.vip, .secondary):
                if item.observation.leaf != nil {
                    evaluation.report(
                        .cp006, target.subject, at: target.declaration,
                        "deployment \(name): \(target.endpoint) answers TLS on the VIP; 5263 is node-to-node and must not be published on the load balancer"
                    )
                } else {
                    evaluation.checked(.cp006, target.subject, at: target.declaration)
                }
            case (.node, .certProxy):
                checkPassthroughPair(item, context, &evaluation)
            case (.node, .secondary):
                guard let leaf = item.observation.leaf else { continue }
                let requirement =
                    "deployment \(name): port \(target.endpoint.port) must present the Access service's certificate"
                if compareWithService(.cp013, item, requirement, context, &evaluation) { continue }
                // 443 of that node was not observed: compare with what the repository declares.
                guard let declared = target.deployment.serviceCertificate else { continue }
                let location = target.expectedCertificate?.referenceLocation ?? target.declaration
                if CertificateDriftRule.matches(leaf, declared) {
                    evaluation.checked(.cp013, target.subject, at: location)
                } else {
                    evaluation.report(
                        .cp013, target.subject, at: location,
                        "\(requirement) \(declared.path) (\(declared.summary)); \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint))"
                    )
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
        let requirement =
            "deployment \(item.target.deployment.name): 443 is SSL passthrough, so the cert proxy must present the Access service's certificate"
        _ = compareWithService(.cp011, item, requirement, context, &evaluation)
    }

    /// Judges `ruleID` by whether the port presents what the same host's 443 presented; false
    /// when either was not observed.
    private func compareWithService(
        _ ruleID: RuleID, _ item: TargetedObservation, _ requirement: String, _ context: LiveContext,
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
                "\(requirement); \(target.endpoint) presents \(leaf.summary) (\(leaf.shortFingerprint)), \(service.observation.endpoint) presents \(serviceLeaf.summary) (\(serviceLeaf.shortFingerprint))"
            )
        }
        return true
    }
}
