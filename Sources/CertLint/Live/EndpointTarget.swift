/// A live endpoint matched to the deployment and role the repository gives it.
package struct EndpointTarget: Sendable {
    enum Host: Sendable, Hashable {
        case vip
        case node(Located<String>)
    }
    let endpoint: LiveEndpoint
    package let deployment: DeploymentTopology
    let host: Host
    let role: DeploymentListener.Role

    var isVIP: Bool { host == .vip }

    /// The certificate the repository says this port presents; nil where it says nothing (5263 on the VIP).
    var expectedCertificate: CertificateUse? {
        switch (host, role) {
        case (.vip, .service):
            switch deployment.mode?.mode {
            case .passthrough: return deployment.serviceCertificate
            case .reencrypt: return deployment.publicCertificate
            case nil: return deployment.publicCertificate ?? deployment.serviceCertificate
            }
        case (_, .certProxy): return deployment.certProxyCertificate
        case (.node, .service): return deployment.serviceCertificate
        case (.node, .secondary): return deployment.secondaryCertificate ?? deployment.serviceCertificate
        case (.vip, .secondary): return nil
        }
    }

    /// What the repository declares for this port: the LB listener for the VIP, the node's entry
    /// for a node. Findings without a certificate to point at land here.
    var declaration: SourceLocation {
        switch host {
        case .vip:
            return deployment.listeners(role).first?.listener.location ?? deployment.deployment.vip.location
        case .node(let node):
            return node.location
        }
    }

    var subject: String { "deployment \(deployment.name) / live \(endpoint.host):\(endpoint.port)" }
}

extension Topology {
    /// The deployment and role of an endpoint: its host must be a deployment's VIP or node and its
    /// port 443, the cert proxy's port or the secondary port.
    package func target(for endpoint: LiveEndpoint) throws(CertLintError) -> EndpointTarget {
        let host = endpoint.host.lowercasedFQDN
        for deployment in deployments {
            let declared = deployment.deployment
            let place: EndpointTarget.Host
            if declared.vip.value.lowercasedFQDN == host {
                place = .vip
            } else if let node = declared.nodes.first(where: { $0.value.lowercasedFQDN == host }) {
                place = .node(node)
            } else {
                continue
            }
            guard let role = declared.role(ofPort: endpoint.port) else {
                throw CertLintError.endpointPort(
                    endpoint.description, deployment: deployment.name, ports: declared.rolePorts.map(\.port))
            }
            return EndpointTarget(endpoint: endpoint, deployment: deployment, host: place, role: role)
        }
        throw CertLintError.endpointHost(
            endpoint.description,
            known: deployments.flatMap { [$0.deployment.vip.value] + $0.deployment.nodes.map(\.value) })
    }
}
