/// What `certlint graph` draws: each deployment's resolved topology as nodes and edges, with the
/// findings marked on the element they are about. Built from a scan's result; the renderers
/// (`MermaidGraph`, `DOTGraph`, JSON) only lay it out.
package struct TopologyGraph: Sendable, Codable {
    package struct Node: Sendable, Codable, Hashable {
        package enum Kind: String, Sendable, Codable, CaseIterable {
            case deployment, listener, pool, member, certificate
        }
        let id: String
        let kind: Kind
        /// The lines of the node's label, the first its name.
        let lines: [String]
        /// Where the element is written, the first its own line; a finding at any of them is about it.
        let locations: [SourceLocation]
        /// The unsuppressed findings about this element: `CP004 cert-proxy-terminated`.
        var findings: [String] = []
        /// The most serious level among `findings`.
        var level: Level?
    }

    package struct Edge: Sendable, Codable, Hashable {
        let from: String
        let to: String
        let label: String
    }

    package struct Deployment: Sendable, Codable {
        let name: String
        var nodes: [Node]
        let edges: [Edge]
    }

    let deployments: [Deployment]

    /// The topology of `result`; `only` keeps one deployment (nil when it has none of that name).
    package init?(_ result: ScanResult, only name: String? = nil) {
        let topologies = result.topology.deployments.filter { name == nil || $0.name == name }
        if name != nil && topologies.isEmpty { return nil }
        let findings = result.findings.filter(\.isActive)
        deployments = topologies.enumerated().map { index, topology in
            var builder = GraphBuilder(prefix: "d\(index)", topology: topology, matrix: result.catalog.matrix)
            var deployment = builder.build()
            deployment.mark(findings, subject: topology.subject, catalog: result.catalog)
            return deployment
        }
    }

    package var deploymentNames: [String] { deployments.map(\.name) }
}

extension TopologyGraph.Deployment {
    /// Puts each finding on the element at its location (file and line); a finding about the
    /// deployment that no element carries goes on the deployment. Findings about other
    /// deployments' elements are left out.
    mutating func mark(_ findings: [Finding], subject: String, catalog: RuleCatalog) {
        for finding in findings {
            let text = "\(finding.ruleID.rawValue) \(catalog.rule(finding.ruleID)?.name ?? "")"
            let atLocation = nodes.firstIndex {
                $0.locations.contains { $0.path == finding.location.path && $0.line == finding.location.line }
            }
            let ownSubject = finding.subject == subject || finding.subject.hasPrefix(subject + " ")
            guard let index = atLocation ?? (ownSubject ? 0 : nil) else { continue }
            if !nodes[index].findings.contains(text) { nodes[index].findings.append(text) }
            nodes[index].level = max(nodes[index].level ?? finding.level, finding.level)
        }
    }
}
