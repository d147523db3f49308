import Foundation

/// The notations `certlint graph` writes.
package enum GraphFormat: String, Sendable, CaseIterable {
    /// A Mermaid flowchart: GitHub and GitLab draw it in Markdown.
    case mermaid
    /// Graphviz: `dot -Tsvg`.
    case dot
    /// The graph as data.
    case json

    package func render(_ graph: TopologyGraph) -> String {
        switch self {
        case .mermaid: return MermaidGraph.render(graph)
        case .dot: return DOTGraph.render(graph)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(graph)) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }
}

extension TopologyGraph.Node {
    /// The label's lines as drawn: repository text with key material redacted, control characters
    /// dropped and each line cut at 120 characters, then the findings.
    var drawnLines: [String] {
        let text = lines.map { line in
            let clean = String(Redactor.redact(line).unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
            return clean.count > 120 ? String(clean.prefix(119)) + "…" : clean
        }
        return text + findings.map { "⚠ \($0)" }
    }
}
