/// CP007 and CP008: a 443 listener that terminates TLS must re-encrypt to the nodes and insert
/// the X-Forwarded-For and RemotePort headers the cert proxy flow depends on.
struct ServiceListenerRule: Rule {
    let ruleIDs: [RuleID] = [.cp007, .cp008]

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
                        "deployment \(topology.name): \(listener.name) terminates TLS on port \(listener.port) and forwards to \(plain.map { "\($0.name) (\($0.host))" }.joined(separator: ", ")) without TLS; re-encrypt to the nodes (HAProxy: `ssl verify required ca-file …` on the server lines; AWS: target group protocol HTTPS or TLS)",
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
                        "deployment \(topology.name): \(listener.name) terminates TLS on port \(listener.port) in mode tcp, so it cannot insert \(missing.joined(separator: " and ")); use mode http with option forwardfor and http-request set-header RemotePort %[src_port]"
                    )
                } else {
                    evaluation.report(
                        .cp008, subject, at: listener.sectionLocation,
                        "deployment \(topology.name): the Layer 7 listener \(listener.name) on port \(listener.port) does not insert \(missing.joined(separator: " and ")); the node that handles 443 needs X-Forwarded-For and RemotePort to find the client certificate stored by the cert proxy",
                        related: [RelatedLocation(listener.location, "TLS terminated here")])
                }
            }
        }
    }
}
