/// CP006: the secondary cert proxy port is node-to-node; no load-balancer listener should publish it.
struct SecondaryPortExposureRule: Rule {
    let ruleIDs: [RuleID] = [.cp006]
    let examples: [RuleExample] = [
        .triggering(
            .cp006, "5263 published on the load balancer", replacing: "    server wsa2 wsa2.example.dmz:5262 check\n",
            with:
                "    server wsa2 wsa2.example.dmz:5262 check\n\nlisten cert_proxy_secondary\n    mode tcp\n    ↓bind :5263\n    server wsa1 wsa1.example.dmz:5263\n",
            message:
                "deployment access: listen cert_proxy_secondary publishes port 5263 on the load balancer; the secondary cert proxy port is used between nodes and must not be reachable through the VIP"
        ),
        .allowed(
            .cp006, "5263 on the nodes only", in: ExampleRepository.manifest,
            replacing: "    service-certificate: certs/node.pem\n",
            with: "    service-certificate: certs/node.pem\n    cert-proxy:\n      secondary-port: 5263\n"),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            let exposed = topology.listeners(.secondary)
            if exposed.isEmpty {
                evaluation.checked(.cp006, "\(topology.subject) / port 5263", at: topology.deployment.location)
            }
            for joined in exposed {
                let listener = joined.listener
                evaluation.report(
                    .cp006, "\(topology.subject) / listener \(listener.port) (\(listener.name))", at: listener.location,
                    .published(topology, listener),
                    related: [RelatedLocation(listener.sectionLocation, "joined because \(joined.joinedBy)")])
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func published(_ topology: DeploymentTopology, _ listener: Listener) -> Self {
        Self(
            "deployment \(topology.name): \(listener.name) publishes port \(listener.port) on the load balancer; the secondary cert proxy port is used between nodes and must not be reachable through the VIP"
        )
    }
}
