/// Builds one deployment's part of the graph: the deployment (VIP, namespace, certificate type,
/// 443 mode, the matrix row), its listeners, their pools and nodes, and the certificates each
/// presents.
struct GraphBuilder {
    let prefix: String
    let topology: DeploymentTopology
    let matrix: DecisionMatrix
    private var nodes: [TopologyGraph.Node] = []
    private var edges: [TopologyGraph.Edge] = []
    /// Member node IDs by listener role, for the certificates the nodes present.
    private var membersByRole: [DeploymentListener.Role: [String]] = [:]
    /// The 443 listeners that terminate TLS: they present the public certificate.
    private var terminatingServiceListeners: [String] = []

    init(prefix: String, topology: DeploymentTopology, matrix: DecisionMatrix) {
        self.prefix = prefix
        self.topology = topology
        self.matrix = matrix
    }

    mutating func build() -> TopologyGraph.Deployment {
        let deploymentID = prefix
        nodes.append(
            TopologyGraph.Node(
                id: deploymentID, kind: .deployment, lines: deploymentLines(), locations: [topology.deployment.location]
            ))
        for (index, joined) in topology.listeners.enumerated() {
            addListener(joined, id: "\(prefix)_l\(index)", from: deploymentID)
        }
        addCertificates(deploymentID)
        return TopologyGraph.Deployment(name: topology.name, nodes: nodes, edges: edges)
    }

    private func deploymentLines() -> [String] {
        var lines = [
            "deployment \(topology.name)", "VIP \(topology.deployment.vip.value)", topology.namespace.matrixName,
        ]
        if let type = topology.classification?.type { lines.append("\(type.matrixName) certificate") }
        if let mode = topology.mode { lines.append("443 \(mode.mode.matrixName)") }
        lines.append(matrixLine())
        return lines
    }

    /// The row of the decision matrix, or why there is none.
    private func matrixLine() -> String {
        guard let mode = topology.mode?.mode, let type = topology.classification?.type else {
            return "matrix: not evaluated (443 mode or certificate unknown)"
        }
        switch matrix.verdict(namespace: topology.namespace, type: type, mode: mode) {
        case .row(let row):
            return "matrix row \(row.number): 5263 \(row.port5263Required ? "required" : "not required")"
        case .unsupported: return "matrix: no row (unsupported)"
        }
    }

    private mutating func addListener(_ joined: DeploymentListener, id: String, from deploymentID: String) {
        let listener = joined.listener
        var lines = [
            listener.name, "port \(listener.port): \(Self.roleName(joined.role))",
            listener.layer == .l7 ? "Layer 7" : "Layer 4",
            listener.tlsHandling.phrase,
        ]
        if listener.layer == .l7 {
            let forwardedFor = listener.insertsForwardedFor == nil ? "no X-Forwarded-For" : "X-Forwarded-For"
            let remotePort = listener.insertsRemotePort == nil ? "no RemotePort" : "RemotePort"
            lines.append("\(forwardedFor), \(remotePort)")
        }
        lines.append(listener.location.description)
        let locations = [listener.location, listener.sectionLocation] + (listener.layerLocation.map { [$0] } ?? [])
        nodes.append(TopologyGraph.Node(id: id, kind: .listener, lines: lines, locations: locations))
        edges.append(TopologyGraph.Edge(from: deploymentID, to: id, label: Self.roleName(joined.role)))
        if joined.role == .service && listener.terminatesTLS { terminatingServiceListeners.append(id) }
        for (index, pool) in listener.pools.enumerated() {
            addPool(pool, id: "\(id)_p\(index)", from: id, role: joined.role)
        }
    }

    static func roleName(_ role: DeploymentListener.Role) -> String {
        switch role {
        case .service: return "Access service"
        case .certProxy: return "cert proxy"
        case .secondary: return "secondary cert proxy port"
        }
    }

    private mutating func addPool(_ pool: Pool, id: String, from listenerID: String, role: DeploymentListener.Role) {
        nodes.append(
            TopologyGraph.Node(id: id, kind: .pool, lines: ["pool \(pool.name)"], locations: [pool.location]))
        edges.append(TopologyGraph.Edge(from: listenerID, to: id, label: "forwards"))
        for (index, member) in pool.members.enumerated() {
            let memberID = "\(id)_m\(index)"
            let port = member.port.map { ":\($0)" } ?? ""
            nodes.append(
                TopologyGraph.Node(
                    id: memberID, kind: .member, lines: ["\(member.host)\(port)", member.usesTLS ? "TLS" : "plain"],
                    locations: [member.location]))
            edges.append(TopologyGraph.Edge(from: id, to: memberID, label: member.name))
            membersByRole[role, default: []].append(memberID)
        }
    }

    /// Each certificate once, with an edge to what presents it: the terminating 443 listeners
    /// (the public certificate under re-encryption), the nodes on 443, on the cert proxy port,
    /// and on 5263 (node to node: drawn from the deployment).
    private mutating func addCertificates(_ deploymentID: String) {
        let terminating = terminatingServiceListeners
        let port = topology.deployment.certProxy.effectivePort
        let uses: [(CertificateUse?, [String], String)] = [
            (
                topology.publicCertificate, terminating.isEmpty ? membersByRole[.service] ?? [] : terminating,
                "presents on 443"
            ),
            (topology.serviceCertificate, terminating.isEmpty ? [] : membersByRole[.service] ?? [], "presents on 443"),
            (topology.certProxyCertificate, membersByRole[.certProxy] ?? [deploymentID], "presents on \(port)"),
            (
                topology.deployment.certProxy.secondaryPort == nil ? nil : topology.secondaryCertificate,
                [deploymentID],
                "nodes present on \(topology.deployment.certProxy.secondaryPort?.value ?? 5263)"
            ),
        ]
        var ids: [String: String] = [:]
        for (use, presenters, label) in uses {
            guard let use else { continue }
            let id = ids[use.path] ?? "\(prefix)_c\(ids.count)"
            if ids[use.path] == nil {
                ids[use.path] = id
                nodes.append(
                    TopologyGraph.Node(
                        id: id, kind: .certificate, lines: [use.path, use.summary],
                        locations: [use.referenceLocation, use.location]))
            }
            for presenter in presenters where !edges.contains(where: { $0.from == presenter && $0.to == id }) {
                edges.append(TopologyGraph.Edge(from: presenter, to: id, label: label))
            }
        }
    }
}
