import Foundation

/// A Graphviz digraph of the graph, one cluster per deployment, and a legend.
enum DOTGraph {
    static func render(_ graph: TopologyGraph) -> String {
        var out = [
            "digraph certlint {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=10];",
            "  edge [fontname=\"Helvetica\", fontsize=9];",
        ]
        for deployment in graph.deployments {
            out.append("  subgraph cluster_\(deployment.nodes[0].id) {")
            out.append("    label=\"\(escape("deployment \(deployment.name)"))\";")
            for node in deployment.nodes {
                let label = node.drawnLines.map(escape).joined(separator: "\\n")
                out.append("    \(node.id) [\(attributes(node.kind)), label=\"\(label)\"\(highlight(node.level))];")
            }
            out.append("  }")
            for edge in deployment.edges {
                out.append("  \(edge.from) -> \(edge.to) [label=\"\(escape(edge.label))\"];")
            }
        }
        out.append("  subgraph cluster_legend {")
        out.append("    label=\"legend\";")
        for kind in TopologyGraph.Node.Kind.allCases {
            out.append("    legend_\(kind.rawValue) [\(attributes(kind)), label=\"\(escape(kind.legendName))\"];")
        }
        out.append(
            "    legend_finding [shape=box, label=\"⚠ finding: red error, orange warning, blue note\"\(highlight(.error))];"
        )
        out.append("  }")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    private static func attributes(_ kind: TopologyGraph.Node.Kind) -> String {
        switch kind {
        case .deployment: return "shape=box, style=rounded"
        case .listener: return "shape=box"
        case .pool: return "shape=hexagon"
        case .member: return "shape=cylinder"
        case .certificate: return "shape=note"
        }
    }

    private static func highlight(_ level: Level?) -> String {
        switch level {
        case .error: return ", color=\"#cb2431\", penwidth=3"
        case .warning: return ", color=\"#e36209\", penwidth=3"
        case .note: return ", color=\"#0366d6\", penwidth=2"
        case nil: return ""
        }
    }

    /// Repository text inside a quoted DOT string.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
