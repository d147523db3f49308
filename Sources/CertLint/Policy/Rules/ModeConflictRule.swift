/// CP009: `lb-mode` in certlint.yaml must agree with the load-balancer configuration.
struct ModeConflictRule: Rule {
    let ruleIDs: [RuleID] = [.cp009]
    let examples: [RuleExample] = [
        .triggering(
            .cp009, "lb-mode says passthrough, the HAProxy configuration re-encrypts", in: ExampleRepository.manifest,
            replacing: "    service-certificate", with: "    lb-mode: ↓passthrough\n    service-certificate",
            message:
                "deployment access: lb-mode is passthrough, but the load-balancer configuration at lb/haproxy.cfg:9:5 implements SSL re-encryption; certlint follows the configuration"
        ),
        .allowed(
            .cp009, "lb-mode agrees with the configuration", in: ExampleRepository.manifest,
            replacing: "    service-certificate", with: "    lb-mode: reencrypt\n    service-certificate"),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            guard let declared = topology.deployment.lbMode else { continue }
            let subject = "\(topology.subject) / lb-mode"
            guard let decided = topology.mode, decided.fromLoadBalancer else {
                evaluation.checked(.cp009, subject, at: declared.location)
                continue
            }
            if decided.mode == declared.value {
                evaluation.checked(.cp009, subject, at: declared.location)
            } else {
                evaluation.report(
                    .cp009, subject, at: declared.location,
                    .conflict(topology, declared: declared.value, decided: decided),
                    related: [RelatedLocation(decided.location, "443 \(decided.mode.matrixName)")])
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func conflict(
        _ topology: DeploymentTopology, declared: LoadBalancerMode, decided: ModeDecision
    ) -> Self {
        Self(
            "deployment \(topology.name): lb-mode is \(declared.rawValue), but the load-balancer configuration at \(decided.location) implements \(decided.mode.matrixName); certlint follows the configuration"
        )
    }
}
