/// A Mermaid flowchart of the graph, one subgraph per deployment, and a legend.
enum MermaidGraph {
    static func render(_ graph: TopologyGraph) -> String {
        var out = ["flowchart LR"]
        for deployment in graph.deployments {
            out.append("  subgraph \(deployment.nodes[0].id)_box[\"\(escape("deployment \(deployment.name)"))\"]")
            for node in deployment.nodes {
                out.append(
                    "    "
                        + shape(node.kind, id: node.id, label: node.drawnLines.map(escape).joined(separator: "<br/>")))
            }
            out.append("  end")
            for edge in deployment.edges {
                out.append("  \(edge.from) -->|\"\(escape(edge.label))\"| \(edge.to)")
            }
        }
        out += legend()
        out += [
            "  classDef error stroke:#cb2431,stroke-width:3px",
            "  classDef warning stroke:#e36209,stroke-width:3px",
            "  classDef note stroke:#0366d6,stroke-width:2px",
        ]
        for level in [Level.error, .warning, .note] {
            let ids = graph.deployments.flatMap(\.nodes).filter { $0.level == level }.map(\.id)
            if !ids.isEmpty { out.append("  class \(ids.joined(separator: ",")) \(level.rawValue)") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func legend() -> [String] {
        var out = ["  subgraph legend[\"legend\"]"]
        for kind in TopologyGraph.Node.Kind.allCases {
            out.append("    " + shape(kind, id: "legend_\(kind.rawValue)", label: kind.legendName))
        }
        out.append("    legend_finding[\"⚠ finding: red error, orange warning, blue note\"]:::error")
        out.append("  end")
        return out
    }

    private static func shape(_ kind: TopologyGraph.Node.Kind, id: String, label: String) -> String {
        switch kind {
        case .deployment: return "\(id)([\"\(label)\"])"
        case .listener: return "\(id)[\"\(label)\"]"
        case .pool: return "\(id){{\"\(label)\"}}"
        case .member: return "\(id)[(\"\(label)\")]"
        case .certificate: return "\(id)[/\"\(label)\"/]"
        }
    }

    /// Repository text inside a quoted Mermaid label: every character that Mermaid or HTML reads
    /// as syntax becomes an entity code.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "&": out += "#amp;"
            case "|": out += "#124;"
            case "`": out += "#96;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension TopologyGraph.Node.Kind {
    var legendName: String {
        switch self {
        case .deployment: return "deployment: VIP, namespace, certificate type, 443 mode, matrix row"
        case .listener: return "load-balancer listener"
        case .pool: return "pool"
        case .member: return "node (pool member)"
        case .certificate: return "certificate"
        }
    }
}
