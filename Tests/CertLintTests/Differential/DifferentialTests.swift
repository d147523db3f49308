import Foundation
import Testing

@testable import CertLint

/// Debian's HAProxy and NGINX (with its stream module), which the differential tests run.
enum RealLoadBalancers {
    static let streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"
    static var present: Bool {
        ["/usr/sbin/haproxy", "/usr/sbin/nginx", streamModule].allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }
}

/// certlint's reading of generated HAProxy and NGINX configurations against what the real
/// HAProxy 2.6 and NGINX 1.22 do with them on loopback (`Scripts/differential.py` runs them with
/// stand-in TLS nodes). For each port of each configuration, whose certificate the client sees,
/// what reaches the node and on which port, and whether X-Forwarded-For and RemotePort arrive with
/// the client's address and port must be what certlint's topology says.
@Suite(
    .serialized,
    .enabled(
        if: RealLoadBalancers.present,
        "haproxy, nginx and its stream module are needed (Scripts/bootstrap.sh installs them)"))
struct DifferentialTests {
    static let casesPerLoadBalancer = 200

    @Test func haproxyAgreesWithCertLint() async throws {
        let cases = (1...UInt64(Self.casesPerLoadBalancer)).map { HAProxyCases.make(seed: $0) }
        try await Self.compare(cases)
    }

    @Test func nginxAgreesWithCertLint() async throws {
        let cases = (1...UInt64(Self.casesPerLoadBalancer)).map { NGINXCases.make(seed: 1000 + $0) }
        try await Self.compare(cases)
    }

    /// The case with this seed, for looking at one disagreement: `CERTLINT_DIFFERENTIAL_SEED=haproxy-17`.
    static let onlyCase = ProcessInfo.processInfo.environment["CERTLINT_DIFFERENTIAL_SEED"]

    struct RunResult: Decodable {
        let valid: Bool
        let check: String
        let observations: [Observation]
    }

    struct Observation: Decodable {
        let port: Int
        let outcome: Outcome

        enum CodingKeys: String, CodingKey { case port }
        init(from decoder: any Decoder) throws {
            port = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .port)
            outcome = try Outcome(from: decoder)
        }
    }

    static func compare(_ all: [DifferentialCase]) async throws {
        let cases = all.filter { onlyCase == nil || $0.id == onlyCase }
        // CERTLINT_DIFFERENTIAL_DUMP=FOLDER: each case as a repository holds it, to look at.
        if let dump = ProcessInfo.processInfo.environment["CERTLINT_DIFFERENTIAL_DUMP"] {
            for differentialCase in cases {
                for (path, text) in differentialCase.repositoryFiles {
                    let url = URL(fileURLWithPath: dump).appendingPathComponent(differentialCase.id)
                        .appendingPathComponent(path)
                    try FileManager.default.createDirectory(
                        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(text.utf8).write(to: url)
                }
            }
        }
        let results = try run(cases)
        var disagreements: [String] = []
        for differentialCase in cases {
            let result = try #require(
                results[differentialCase.id], "\(differentialCase.id): the runner did not report it")
            guard result.valid else {
                disagreements.append(
                    "\(differentialCase.id): not valid for the real load balancer: \(result.check)\n\(differentialCase.repositoryFiles.values.joined())"
                )
                continue
            }
            let (predicted, problems) = try await predictions(differentialCase)
            for observation in result.observations {
                let expected = predicted[observation.port] ?? []
                let agrees =
                    differentialCase.routedPorts.contains(observation.port)
                    ? expected.contains(observation.outcome) : expected == [observation.outcome]
                if !agrees {
                    disagreements.append(
                        "\(differentialCase.id) port \(observation.port): real: \(observation.outcome); certlint: \(expected.map(\.description).sorted().joined(separator: " | "))\(problems)"
                    )
                }
            }
            #expect(result.observations.count == differentialCase.lbPorts.count, "\(differentialCase.id): probes")
        }
        if !disagreements.isEmpty {
            let examples = Set(disagreements.compactMap { $0.split(separator: " ").first.map(String.init) }).sorted()
                .prefix(3)
            var text = disagreements.prefix(40).joined(separator: "\n")
            for id in examples {
                if let sample = cases.first(where: { $0.id == id }) {
                    text +=
                        "\n--- \(id)\n"
                        + sample.repositoryFiles.sorted { $0.key < $1.key }.map { "# \($0.key)\n\($0.value)" }.joined()
                }
            }
            let report = FileManager.default.temporaryDirectory.appendingPathComponent(
                "certlint-differential-\(cases[0].kind.rawValue).txt")
            try? Data(disagreements.joined(separator: "\n").utf8).write(to: report)
            Issue.record(
                "\(disagreements.count) disagreements in \(cases.count) configurations (all in \(report.path)):\n\(text)"
            )
        }
    }

    /// Writes the runnable cases and the test certificates, and runs them in the real load balancer.
    static func run(_ cases: [DifferentialCase]) throws -> [String: RunResult] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-differential-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = try TestPKI()
        let node = try pki.issue(DifferentialCase.nodes)
        let lb = try TestPKI.selfSigned([DifferentialCase.vip])
        var manifestCases: [[String: Any]] = []
        for differentialCase in cases {
            let caseFolder = folder.appendingPathComponent(differentialCase.id)
            for (path, text) in differentialCase.runnableFiles {
                let url = caseFolder.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            var entry: [String: Any] = [
                "id": differentialCase.id, "kind": differentialCase.kind.rawValue, "dir": caseFolder.path,
                "main": differentialCase.main, "lbPorts": differentialCase.lbPorts,
                "nodePorts": differentialCase.nodePorts,
                "probes": differentialCase.lbPorts.map { ["port": $0, "sni": DifferentialCase.vip] },
            ]
            if let range = differentialCase.lbRange { entry["lbRange"] = [range.lowerBound, range.upperBound] }
            manifestCases.append(entry)
        }
        let manifest: [String: Any] = [
            "certs": [
                "lb": lb.certificatePEM, "lbKey": lb.keyPEM, "node": node.certificatePEM, "nodeKey": node.keyPEM,
                "ca": pki.caPEM,
            ],
            "cases": manifestCases,
        ]
        let manifestURL = folder.appendingPathComponent("manifest.json")
        let resultsURL = folder.appendingPathComponent("results.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        let script = Fixtures.packageRoot.appendingPathComponent("Scripts/differential.py").path
        let outcome = try CertLintTests.run("/usr/bin/env", ["python3", script, manifestURL.path, resultsURL.path])
        try #require(outcome.status == 0, "Scripts/differential.py failed: \(outcome.error)")
        return try JSONDecoder().decode([String: RunResult].self, from: Data(contentsOf: resultsURL))
    }

    /// certlint's reading: the deployment's listeners on each port, and what each of their
    /// backends makes of a client connection.
    static func predictions(_ differentialCase: DifferentialCase) async throws -> ([Int: Set<Outcome>], String) {
        let folder = differentialCase.kind == .haproxy ? "haproxy.cfg" : "nginx/"
        let manifest = """
            version: 1
            deployments:
              - name: access
                vip: \(DifferentialCase.vip)
                nodes: [\(DifferentialCase.nodes.joined(separator: ", "))]
                cert-proxy:
                  secondary-port: 5263
                load-balancer: [\(folder)]

            """
        let repository = try FixtureRepository(
            files: differentialCase.repositoryFiles.merging(["certlint.yaml": manifest]) { a, _ in a })
        let result = try await repository.scan()
        let deployment = try #require(result.topology.deployments.first, "\(differentialCase.id): no deployment")
        var outcomes: [Int: Set<Outcome>] = [:]
        for joined in deployment.listeners {
            let listener = joined.listener
            let pools = listener.pools.isEmpty ? [nil] : listener.pools.map { Optional($0) }
            for pool in pools { outcomes[listener.port, default: []].insert(outcome(listener, pool)) }
        }
        let problems = result.findings.filter { $0.ruleID == .cp900 }.map {
            " [\($0.ruleID) \($0.location): \($0.message)]"
        }
        return (outcomes, problems.joined())
    }

    static func outcome(_ listener: Listener, _ pool: Pool?) -> Outcome {
        guard let member = pool?.members.first, let pool else {
            return Outcome(
                client: listener.terminatesTLS ? "lb" : "fail", node: "none", nodePort: nil, xff: "none",
                remotePort: "none")
        }
        let nodePort = member.port ?? listener.port
        // A pool with a layer of its own (an HAProxy backend) decides for the connections it gets.
        let layer = pool.layer ?? listener.layer
        guard listener.terminatesTLS else {
            if layer == .l7 {
                return Outcome(client: "fail", node: "none", nodePort: nil, xff: "none", remotePort: "none")
            }
            if member.usesTLS {
                return Outcome(client: "fail", node: "tls-in-tls", nodePort: nodePort, xff: "none", remotePort: "none")
            }
            return Outcome(client: "node", node: "tls", nodePort: nodePort, xff: "other", remotePort: "other")
        }
        let layer7 = layer == .l7
        let forwardFor = layer7 && (listener.forwardedForHeader ?? pool.forwardedForHeader) != nil
        let remotePort = layer7 && (listener.remotePortHeader ?? pool.remotePortHeader) != nil
        return Outcome(
            client: "lb", node: member.usesTLS ? "tls" : "plain", nodePort: nodePort,
            xff: forwardFor ? "client" : "other", remotePort: remotePort ? "client" : "other")
    }
}
