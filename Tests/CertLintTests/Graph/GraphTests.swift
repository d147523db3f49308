import Foundation
import Testing

@testable import CertLint

/// `certlint graph`: Examples/ drawn in Mermaid and DOT against golden files, DOT rendered by
/// Graphviz when it is installed, findings on the element they are about, hostile names escaped.
///
/// When the drawing changes on purpose: `CERTLINT_UPDATE_GOLDEN=1 swift test --filter GraphTests`,
/// then review the diff of Tests/CertLintTests/Golden/graph.*.
@Suite struct GraphTests {
    static func examples() async throws -> ScanResult {
        var options = ScanOptions()
        options.paths = [Fixtures.packageRoot.appendingPathComponent("Examples").path]
        options.asOf = Fixtures.asOf
        return try await Scanner.scan(options)
    }

    @Test func examplesMatchTheGoldenDrawings() async throws {
        let graph = try #require(TopologyGraph(try await Self.examples()))
        let update = ProcessInfo.processInfo.environment["CERTLINT_UPDATE_GOLDEN"] == "1"
        for (format, name) in [(GraphFormat.mermaid, "graph.mmd"), (.dot, "graph.dot"), (.json, "graph.json")] {
            let url = Fixtures.golden.appendingPathComponent(name)
            let rendered = format.render(graph)
            if update {
                try rendered.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            #expect(
                rendered == (try String(contentsOf: url, encoding: .utf8)),
                "\(name) differs from the golden file; rerun with CERTLINT_UPDATE_GOLDEN=1 if the change is intended")
        }
    }

    @Test func findingsAreMarkedOnTheirElements() async throws {
        let graph = try #require(TopologyGraph(try await Self.examples(), only: "access-dr"))
        let marked = graph.deployments[0].nodes.filter { !$0.findings.isEmpty }
        #expect(
            marked.map { "\($0.kind.rawValue) \($0.lines[0]): \($0.findings.joined(separator: ", ")) \($0.level!)" }
                == [
                    "deployment deployment access-dr: CP001 port-5263-missing error",
                    "listener frontend cert_proxy: CP004 cert-proxy-terminated error",
                ])
        #expect(graph.deployments[0].nodes[0].lines.last == "matrix row 2: 5263 required")
        let listener = try #require(graph.deployments[0].nodes.first { $0.lines[0] == "frontend cert_proxy" })
        #expect(
            listener.lines == [
                "frontend cert_proxy", "port 5262: cert proxy", "Layer 7", "TLS terminated (offload)",
                "no X-Forwarded-For, no RemotePort", "Examples/lb/dr/haproxy.cfg:22:5",
            ])
    }

    @Test func anUnknownDeploymentIsNoGraph() async throws {
        #expect(TopologyGraph(try await Self.examples(), only: "access") == nil)
        #expect(
            CertLintError.unknownDeployment("access", known: ["access-prod", "access-dr"]).description
                == "no deployment is named access; it has access-prod, access-dr. Pass one of those to --deployment, or leave it out."
        )
    }

    @Test func repositoryTextCannotBreakOutOfALabel() {
        let hostile = "a\"]; click d0 call alert(1) %% <script>|#x"
        #expect(MermaidGraph.escape(hostile) == "a#quot;]; click d0 call alert(1) %% #lt;script#gt;#124;#35;x")
        #expect(DOTGraph.escape("a\"]; b \\\" c") == "a\\\"]; b \\\\\\\" c")
        let node = TopologyGraph.Node(
            id: "n", kind: .listener, lines: ["x\u{1B}[31my\u{0}z", String(repeating: "w", count: 200)], locations: [])
        #expect(node.drawnLines == ["x[31myz", String(repeating: "w", count: 119) + "…"])
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot"), "Graphviz (dot) is not installed"))
    func graphvizRendersTheDrawing() async throws {
        let graph = try #require(TopologyGraph(try await Self.examples()))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("graph.dot")
        try GraphFormat.dot.render(graph).write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
        process.arguments = ["-Tsvg", "-o", folder.appendingPathComponent("graph.svg").path, input.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(message == "")
        let svg = try String(contentsOf: folder.appendingPathComponent("graph.svg"), encoding: .utf8)
        #expect(svg.contains("deployment access&#45;dr"))
        #expect(svg.contains("⚠ CP004 cert&#45;proxy&#45;terminated"))
    }
}
