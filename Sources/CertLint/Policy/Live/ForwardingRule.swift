/// CP008, CP014, CP015 from what the staging proxy saw while forwarding: requests sent to the
/// nodes without X-Forwarded-For or RemotePort, a node presenting another certificate than the
/// pinned service certificate, a node the proxy could not reach.
struct ForwardingRule: LiveRule {
    let ruleIDs: [RuleID] = [.cp008, .cp014, .cp015]

    func evaluate(_ context: LiveContext, into evaluation: inout Evaluation) {
        for item in context.forwarding {
            let name = context.deploymentName
            let subject =
                "deployment \(name) / proxy \(item.listener.port) to \(item.backend.host):\(item.backend.port)"
            if item.requests > 0 {
                var missing: [String] = []
                if item.requestsWithoutForwardedFor > 0 { missing.append("X-Forwarded-For") }
                if item.requestsWithoutRemotePort > 0 { missing.append("RemotePort") }
                if missing.isEmpty {
                    evaluation.checked(.cp008, subject, at: item.listener.location)
                } else {
                    let count = max(item.requestsWithoutForwardedFor, item.requestsWithoutRemotePort)
                    evaluation.report(
                        .cp008, subject, at: item.listener.location,
                        .forwardedWithout(missing, count: count, of: item, deployment: name))
                }
            }
            if item.pinMismatches > 0, let presented = item.presentedInsteadOfPinned {
                evaluation.report(
                    .cp014, subject, at: item.backendLocation, .notPinned(presented, by: item, deployment: name))
            } else if item.connections > 0 {
                evaluation.checked(.cp014, subject, at: item.backendLocation)
            }
            if item.failures.isEmpty {
                if item.connections > 0 { evaluation.checked(.cp015, subject, at: item.backendLocation) }
            } else {
                evaluation.report(.cp015, subject, at: item.backendLocation, .unreachable(item, deployment: name))
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func forwardedWithout(
        _ missing: [String], count: Int, of item: ForwardingObservation, deployment name: String
    ) -> Self {
        Self(
            "deployment \(name): the proxy forwarded \(count) of \(item.requests) request\(item.requests == 1 ? "" : "s") on \(listener(item)) to \(item.backend) without \(missing.joined(separator: " and ")), because the load-balancer configuration does not insert \(missing.count == 1 ? "it" : "them")"
        )
    }

    fileprivate static func notPinned(
        _ presented: CertificateInfo, by item: ForwardingObservation, deployment name: String
    ) -> Self {
        Self(
            "deployment \(name): \(item.backend) presented \(presented.summary) (\(presented.shortFingerprint)) instead of the pinned service certificate; the proxy refused \(item.pinMismatches) connection\(item.pinMismatches == 1 ? "" : "s") on \(listener(item))"
        )
    }

    fileprivate static func unreachable(_ item: ForwardingObservation, deployment name: String) -> Self {
        let reasons = item.failures.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value)×)" }.joined(
            separator: "; ")
        let total = item.failures.values.reduce(0, +)
        return Self(
            "deployment \(name): \(total) connection\(total == 1 ? "" : "s") on \(listener(item)) could not reach \(item.backend): \(reasons)"
        )
    }

    private static func listener(_ item: ForwardingObservation) -> String {
        "listener \(item.listener.port) (\(item.listener.name))"
    }
}
