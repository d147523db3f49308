/// CP015: every endpoint asked for presented a certificate.
struct ReachabilityRule: LiveRule {
    let ruleIDs: [RuleID] = [.cp015]

    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation) {
        for item in context.observations {
            let target = item.target
            // 5263 belongs on the nodes only: the VIP refusing it is what CP006 wants.
            if target.isVIP && target.role == .secondary { continue }
            guard case .failed(let failure) = item.observation.outcome else {
                evaluation.checked(.cp015, target.subject, at: target.declaration)
                continue
            }
            evaluation.report(
                .cp015, target.subject, at: target.declaration, .unreachable(target, failure))
        }
    }
}

extension Finding.Message {
    fileprivate static func unreachable(_ target: EndpointTarget, _ failure: LiveFailure) -> Self {
        Self(
            "deployment \(target.deployment.name): \(target.endpoint) \(failure.description); the live checks of this port did not run"
        )
    }
}
