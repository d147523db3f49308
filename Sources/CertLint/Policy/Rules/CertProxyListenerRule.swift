/// CP004 and CP005: the load balancer's cert proxy listener must be a Layer 4 TCP passthrough to
/// the cert proxy port of the nodes.
struct CertProxyListenerRule: Rule {
    let ruleIDs: [RuleID] = [.cp004, .cp005]
    let examples: [RuleExample] = [
        .triggering(
            .cp004, "TLS terminated on the cert proxy port", replacing: "    bind :5262\n",
            with: "    ↓bind :5262 ssl crt /etc/haproxy/certs/access.pem\n",
            message:
                "deployment access: the cert proxy listener frontend cert_proxy on port 5262 terminates TLS; port 5262 must be Layer 4 TCP passthrough so the device's client certificate reaches the cert proxy"
        ),
        .triggering(
            .cp004, "the cert proxy port in HTTP mode", replacing: "frontend cert_proxy\n    mode tcp",
            with: "frontend cert_proxy\n    ↓mode http",
            message:
                "deployment access: the cert proxy listener frontend cert_proxy on port 5262 works at Layer 7 (HTTP); port 5262 must be Layer 4 TCP passthrough so the device's client certificate reaches the cert proxy"
        ),
        .triggering(
            .cp004, "TLS of its own to a node's cert proxy", replacing: "server wsa1 wsa1.example.dmz:5262 check",
            with: "↓server wsa1 wsa1.example.dmz:5262 ssl verify none check",
            message:
                "deployment access: the cert proxy listener frontend cert_proxy on port 5262 opens its own TLS to wsa1; port 5262 must be Layer 4 TCP passthrough so the device's client certificate reaches the cert proxy"
        ),
        .triggering(
            .cp005, "the cert proxy forwarded to another port of a node",
            replacing: "server wsa2 wsa2.example.dmz:5262 check", with: "↓server wsa2 wsa2.example.dmz:443 check",
            message:
                "deployment access: the cert proxy listener frontend cert_proxy forwards to wsa2 → wsa2.example.dmz:443; the cert proxy listens on port 5262 of the nodes"
        ),
        .allowed(
            .cp004, "a TCP health check keeps 5262 passthrough", replacing: "backend cert_proxy_nodes\n    mode tcp\n",
            with: "backend cert_proxy_nodes\n    mode tcp\n    option tcp-check\n"),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            let port = topology.deployment.certProxy.effectivePort
            for joined in topology.listeners(.certProxy) {
                let listener = joined.listener
                let subject = "\(topology.subject) / listener \(listener.port) (\(listener.name))"
                // Never a verdict on a guess: an unknown protocol or load balancer skips the checks.
                guard listener.unknowns.isEmpty else { continue }
                var problems: [String] = []
                var location = listener.location
                if listener.terminatesTLS { problems.append("terminates TLS") }
                if listener.layer == .l7 {
                    problems.append("works at Layer 7 (HTTP)")
                    if !listener.terminatesTLS, let layerLocation = listener.layerLocation { location = layerLocation }
                }
                let reencrypting = listener.members.filter(\.usesTLS)
                if !reencrypting.isEmpty {
                    problems.append("opens its own TLS to \(reencrypting.map(\.name).joined(separator: ", "))")
                    if problems.count == 1 { location = reencrypting[0].location }
                }
                if problems.isEmpty {
                    evaluation.checked(.cp004, subject, at: listener.location)
                } else {
                    evaluation.report(
                        .cp004, subject, at: location,
                        .notPassthrough(topology, listener, problems, port: port),
                        related: [
                            RelatedLocation(
                                listener.sectionLocation, "\(listener.name), joined because \(joined.joinedBy)")
                        ])
                }
                let wrongPort = listener.members.filter { ($0.port ?? listener.port) != port }
                if wrongPort.isEmpty {
                    evaluation.checked(.cp005, subject, at: listener.location)
                } else {
                    evaluation.report(
                        .cp005, subject, at: wrongPort[0].location,
                        .wrongNodePort(topology, listener, wrongPort, port: port),
                        related: [RelatedLocation(listener.location, "cert proxy listener")])
                }
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func notPassthrough(
        _ topology: DeploymentTopology, _ listener: Listener, _ problems: [String], port: Int
    ) -> Self {
        Self(
            "deployment \(topology.name): the cert proxy listener \(listener.name) on port \(listener.port) \(problems.joined(separator: " and ")); port \(port) must be Layer 4 TCP passthrough so the device's client certificate reaches the cert proxy"
        )
    }

    fileprivate static func wrongNodePort(
        _ topology: DeploymentTopology, _ listener: Listener, _ members: [PoolMember], port: Int
    ) -> Self {
        let targets = members.map { "\($0.name) → \($0.host):\($0.port ?? listener.port)" }.joined(separator: ", ")
        return Self(
            "deployment \(topology.name): the cert proxy listener \(listener.name) forwards to \(targets); the cert proxy listens on port \(port) of the nodes"
        )
    }
}
