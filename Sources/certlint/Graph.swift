import ArgumentParser
import CertLint

struct Graph: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw each deployment's resolved topology with its findings: Mermaid, Graphviz DOT or JSON.",
        discussion:
            "The VIP, listeners (port, layer, TLS, headers), pools, nodes and the certificates presented where, the matrix row, and each finding on the element it is about. Render DOT with `dot -Tsvg`; Mermaid renders on GitHub. Exit codes: 0 drawn, 2 the run failed."
    )

    @OptionGroup var source: SourceArguments

    @Option(help: "Notation: \(GraphFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: GraphFormat = .mermaid

    @Option(help: "Draw only the deployment with this name.")
    var deployment: String?

    func run() async throws {
        let result = try await Scanner.scan(try source.options())
        guard let graph = TopologyGraph(result, only: deployment) else {
            throw CertLintError.unknownDeployment(
                deployment ?? "", known: result.topology.deployments.map(\.name))
        }
        try StandardOutput.write(format.render(graph))
    }
}

extension GraphFormat: ExpressibleByArgument {}
