/// CP007 and CP008: a 443 listener that terminates TLS must re-encrypt to the nodes and insert
/// the X-Forwarded-For and RemotePort headers the cert proxy flow depends on.
struct ServiceListenerRule: Rule {
    let ruleIDs: [RuleID] = [.cp007, .cp008]
    let examples: [RuleExample] = [
        .triggering(
            .cp007, "443 terminated and sent on in clear",
            replacing: "server wsa2 wsa2.example.dmz:443 ssl verify required ca-file /etc/haproxy/node.pem check",
            with: "↓server wsa2 wsa2.example.dmz:80 check",
            message:
                "deployment access: frontend access_https terminates TLS on port 443 and forwards to wsa2 (wsa2.example.dmz) without TLS; re-encrypt to the nodes (HAProxy: `ssl verify required ca-file …` on the server lines; AWS: target group protocol HTTPS or TLS)"
        ),
        .triggering(
            .cp008, "RemotePort not inserted",
            replacing:
                "frontend access_https\n    bind :443 ssl crt /etc/haproxy/certs/access.pem\n    option forwardfor\n    http-request set-header RemotePort %[src_port]\n",
            with:
                "↓frontend access_https\n    bind :443 ssl crt /etc/haproxy/certs/access.pem\n    option forwardfor\n",
            message:
                "deployment access: the Layer 7 listener frontend access_https on port 443 does not insert RemotePort; the node that handles 443 needs X-Forwarded-For and RemotePort to find the client certificate stored by the cert proxy"
        ),
        .triggering(
            .cp008, "neither header inserted",
            replacing:
                "frontend access_https\n    bind :443 ssl crt /etc/haproxy/certs/access.pem\n    option forwardfor\n    http-request set-header RemotePort %[src_port]\n",
            with: "↓frontend access_https\n    bind :443 ssl crt /etc/haproxy/certs/access.pem\n",
            message:
                "deployment access: the Layer 7 listener frontend access_https on port 443 does not insert X-Forwarded-For and RemotePort; the node that handles 443 needs X-Forwarded-For and RemotePort to find the client certificate stored by the cert proxy"
        ),
        RuleExample(
            id: .cp008, what: "terminating in TCP mode cannot insert headers", triggers: true,
            replacements: [
                (ExampleRepository.haproxy, "frontend access_https\n", "frontend access_https\n    ↓mode tcp\n"),
                (ExampleRepository.haproxy, "\nbackend access_nodes\n", "\nbackend access_nodes\n    mode tcp\n"),
            ],
            messages: [
                "deployment access: frontend access_https terminates TLS on port 443 in mode tcp, so it cannot insert X-Forwarded-For and RemotePort; use mode http with option forwardfor and http-request set-header RemotePort %[src_port]"
            ]),
        RuleExample(
            id: .cp008, what: "the headers inserted by the backend (Remoteport, as VMware's NSX automation spells it)",
            triggers: false,
            replacements: [
                (
                    ExampleRepository.haproxy,
                    "    option forwardfor\n    http-request set-header RemotePort %[src_port]\n",
                    ""
                ),
                (
                    ExampleRepository.haproxy, "\nbackend access_nodes\n",
                    "\nbackend access_nodes\n    option forwardfor\n    http-request add-header Remoteport %[src_port]\n"
                ),
            ]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            for joined in topology.listeners(.service)
            where joined.listener.terminatesTLS && joined.listener.unknowns.isEmpty {
                let listener = joined.listener
                let subject = "\(topology.subject) / listener \(listener.port) (\(listener.name))"
                let plain = listener.members.filter { !$0.usesTLS }
                if plain.isEmpty {
                    evaluation.checked(.cp007, subject, at: listener.location)
                } else {
                    evaluation.report(
                        .cp007, subject, at: plain[0].location,
                        .plainToNodes(topology, listener, plain),
                        related: [RelatedLocation(listener.location, "TLS terminated here")])
                }
                let forwardFor = listener.insertsForwardedFor
                let remotePort = listener.insertsRemotePort
                var missing: [String] = []
                if forwardFor == nil { missing.append("X-Forwarded-For") }
                if remotePort == nil { missing.append("RemotePort") }
                if missing.isEmpty {
                    evaluation.checked(.cp008, subject, at: listener.location)
                } else if listener.layer == .l4 {
                    evaluation.report(
                        .cp008, subject, at: listener.layerLocation ?? listener.sectionLocation,
                        .layer4CannotInsert(topology, listener, missing))
                } else {
                    evaluation.report(
                        .cp008, subject, at: listener.sectionLocation,
                        .headersMissing(topology, listener, missing),
                        related: [RelatedLocation(listener.location, "TLS terminated here")])
                }
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func plainToNodes(_ topology: DeploymentTopology, _ listener: Listener, _ plain: [PoolMember])
        -> Self
    {
        Self(
            "deployment \(topology.name): \(listener.name) terminates TLS on port \(listener.port) and forwards to \(plain.map { "\($0.name) (\($0.host))" }.joined(separator: ", ")) without TLS; re-encrypt to the nodes (HAProxy: `ssl verify required ca-file …` on the server lines; AWS: target group protocol HTTPS or TLS)"
        )
    }

    fileprivate static func layer4CannotInsert(
        _ topology: DeploymentTopology, _ listener: Listener, _ missing: [String]
    ) -> Self {
        Self(
            "deployment \(topology.name): \(listener.name) terminates TLS on port \(listener.port) in mode tcp, so it cannot insert \(missing.joined(separator: " and ")); use mode http with option forwardfor and http-request set-header RemotePort %[src_port]"
        )
    }

    fileprivate static func headersMissing(_ topology: DeploymentTopology, _ listener: Listener, _ missing: [String])
        -> Self
    {
        Self(
            "deployment \(topology.name): the Layer 7 listener \(listener.name) on port \(listener.port) does not insert \(missing.joined(separator: " and ")); the node that handles 443 needs X-Forwarded-For and RemotePort to find the client certificate stored by the cert proxy"
        )
    }
}
