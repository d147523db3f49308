import CertLint
import Foundation

/// What the staging proxy does on one port, as the repository's load-balancer listener says.
package struct PlannedListener: Sendable {
    package enum Mode: String, Sendable {
        /// Raw TCP to a node (L4 passthrough); the ClientHello's SNI is read, not answered.
        case passthrough
        /// TLS terminated with the stage's certificate and opened anew to the node, whose
        /// certificate must be the repository's service certificate (pinned).
        case reencrypt
        /// TLS terminated and forwarded to the node without TLS (what CP007 reports).
        case offload
    }
    package let role: DeploymentListener.Role
    /// The load-balancer listener it reproduces.
    package let listener: Listener
    package let mode: Mode
    package let bindAddress: String
    /// 0 asks the system for a free port (see `StagingProxy.boundPorts`).
    package let bindPort: Int
    package let backends: [PlannedBackend]
    package let balance: Balance
    package let insertsForwardedFor: Bool
    package let insertsRemotePort: Bool
    /// The certificate a re-encrypting listener requires from the nodes (the repository's
    /// service certificate); nil when the listener does not verify, or the repository has none.
    package let pinned: CertificateUse?

    /// `443 (lb/haproxy.cfg:12 frontend fe_access)`.
    package var name: String { "\(listener.port) (\(listener.location) \(listener.name))" }
}

/// One node a listener forwards to, where staging has it.
package struct PlannedBackend: Sendable, Hashable {
    /// The node's name in the repository, and the port the LB configuration uses; the real address.
    package let endpoint: LiveEndpoint
    /// The pool member's line.
    package let location: SourceLocation
    package let usesTLS: Bool
}

/// The proxy for one deployment, built from its resolved topology and a stage file.
package struct ProxyPlan: Sendable {
    package let deployment: DeploymentTopology
    package let listeners: [PlannedListener]
    package let limits: StageLimits
    package let terminateCertificate: String?
    package let terminateKey: String?

    /// Picks the deployment, maps every pool member to its staging address and checks that a
    /// terminating listener has a certificate and key from outside the repository.
    package static func build(topology: Topology, stage: StageFile, repositoryRoot: String) throws(StagingError)
        -> ProxyPlan
    {
        let deployment = try selectDeployment(topology, stage: stage)
        let roles = deployment.listeners.filter { $0.listener.port > 0 }
        guard !roles.isEmpty else {
            throw StagingError.proxy(
                "deployment \(deployment.name) has no load-balancer listener in the repository, so there is nothing to reproduce. Add the LB configuration (or `load-balancer:` in \(deployment.deployment.manifest)) and run again"
            )
        }
        let planned = try roles.map { role throws(StagingError) in
            try plan(role, stage: stage, serviceCertificate: deployment.serviceCertificate)
        }
        try checkTermination(planned, stage: stage, repositoryRoot: repositoryRoot)
        return ProxyPlan(
            deployment: deployment, listeners: planned, limits: stage.limits,
            terminateCertificate: stage.terminateCertificate, terminateKey: stage.terminateKey)
    }

    /// One listener as the proxy runs it: its mode, and each pool member at its staging address.
    static func plan(_ role: DeploymentListener, stage: StageFile, serviceCertificate: CertificateUse?)
        throws(StagingError) -> PlannedListener
    {
        let listener = role.listener
        let mode: PlannedListener.Mode
        if !listener.terminatesTLS {
            mode = .passthrough
        } else {
            mode = listener.members.contains(where: \.usesTLS) ? .reencrypt : .offload
        }
        var backends: [PlannedBackend] = []
        for member in listener.members {
            let key =
                member.host.lowercased().hasSuffix(".")
                ? String(member.host.lowercased().dropLast()) : member.host.lowercased()
            let address = stage.nodes[key] ?? stage.nodes[member.name.lowercased()]
            guard let address else {
                throw StagingError.stage(
                    path: stage.path, line: 1, column: 1, keyPath: "nodes",
                    problem:
                        "no address for pool member \(member.host) of listener \(listener.port) (\(member.location)); add `\(member.host): ADDRESS` under nodes"
                )
            }
            let port = member.port ?? listener.port
            backends.append(
                PlannedBackend(
                    endpoint: address.endpoint(host: key, port: port), location: member.location,
                    usesTLS: member.usesTLS))
        }
        if backends.isEmpty {
            throw StagingError.proxy(
                "listener \(listener.port) at \(listener.location) names no backend certlint could read, so the proxy cannot forward it. Fix the pool (CP030 in `certlint scan` shows why)"
            )
        }
        let pool = listener.pools.first
        let verifies = listener.members.contains { $0.usesTLS && $0.verifiesCertificate }
        return PlannedListener(
            role: role.role, listener: listener, mode: mode, bindAddress: stage.listen.address,
            bindPort: stage.listen.ports[listener.port] ?? listener.port, backends: backends,
            balance: pool?.balance ?? .roundRobin,
            insertsForwardedFor: listener.insertsForwardedFor != nil,
            insertsRemotePort: listener.insertsRemotePort != nil,
            pinned: mode == .reencrypt && verifies ? serviceCertificate : nil)
    }

    /// A terminating listener needs the stage's certificate and key, and the key must come from
    /// outside the repository.
    static func checkTermination(_ planned: [PlannedListener], stage: StageFile, repositoryRoot: String)
        throws(StagingError)
    {
        guard let terminating = planned.first(where: { $0.mode != .passthrough }) else { return }
        guard stage.terminateCertificate != nil, let key = stage.terminateKey else {
            throw StagingError.stage(
                path: stage.path, line: stage.listenLocation?.line ?? 1, column: 1, keyPath: "terminate",
                problem:
                    "listener \(terminating.listener.port) terminates TLS, so the proxy needs `terminate: { certificate: …, key: … }` from outside the repository"
            )
        }
        let root = URL(fileURLWithPath: repositoryRoot).standardized.path + "/"
        if URL(fileURLWithPath: key).standardized.path.hasPrefix(root) {
            throw StagingError.stage(
                path: stage.path, line: stage.terminateLocation?.line ?? 1, column: 1, keyPath: "terminate.key",
                problem:
                    "\(key) is inside the scanned repository; certlint never reads keys from it. Keep the staging key elsewhere (a secret store, /etc/certlint)"
            )
        }
    }

    static func selectDeployment(_ topology: Topology, stage: StageFile) throws(StagingError) -> DeploymentTopology {
        let names = topology.deployments.map(\.name)
        if let wanted = stage.deployment {
            guard let found = topology.deployments.first(where: { $0.name == wanted.value }) else {
                throw StagingError.stage(
                    path: stage.path, line: wanted.location.line, column: wanted.location.column, keyPath: "deployment",
                    problem:
                        "the repository declares no deployment \(wanted.value); it declares \(names.isEmpty ? "none" : names.joined(separator: ", "))"
                )
            }
            return found
        }
        guard topology.deployments.count == 1 else {
            throw StagingError.stage(
                path: stage.path, line: 1, column: 1, keyPath: "deployment",
                problem: topology.deployments.isEmpty
                    ? "the repository declares no deployment; add one to certlint.yaml"
                    : "the repository declares \(names.joined(separator: ", ")); name one with `deployment:`")
        }
        return topology.deployments[0]
    }

    /// A text description of the plan, printed when the proxy starts.
    package var summary: String {
        var lines = ["deployment \(deployment.name): \(listeners.count) listener\(listeners.count == 1 ? "" : "s")"]
        for listener in listeners {
            let backends = listener.backends.map { "\($0.endpoint)\($0.usesTLS ? " (TLS)" : "")" }.joined(
                separator: ", ")
            var extra: [String] = []
            if listener.mode != .passthrough {
                extra.append(listener.insertsForwardedFor ? "inserts X-Forwarded-For" : "no X-Forwarded-For")
                extra.append(listener.insertsRemotePort ? "inserts RemotePort" : "no RemotePort")
                if let pinned = listener.pinned { extra.append("pins \(pinned.path)") }
            }
            let role =
                [DeploymentListener.Role.service: "Access service", .certProxy: "cert proxy", .secondary: "5263"][
                    listener.role] ?? ""
            lines.append(
                "  \(listener.name), \(role): \(listener.mode.rawValue), \(listener.balance.rawValue) over \(backends)\(extra.isEmpty ? "" : "; " + extra.joined(separator: ", "))"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Every node endpoint the plan forwards to, once each: the proxy probes them at start.
    package var backendEndpoints: [LiveEndpoint] {
        var seen: Set<LiveEndpoint> = []
        return listeners.flatMap(\.backends).map(\.endpoint).filter { seen.insert($0).inserted }
    }
}
