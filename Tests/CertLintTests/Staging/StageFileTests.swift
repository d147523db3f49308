import CertLintStaging
import Foundation
import Testing

@testable import CertLint

@Suite struct StageFileTests {
    @Test func readsEveryKey() throws {
        let stage = try StageFile.parse(
            """
            version: 1
            deployment: access-prod
            listen: { address: 127.0.0.1, ports: { 443: 8443, 5262: 15262 } }
            vip: { address: 10.0.0.5 }
            nodes:
              WSA1.example.dmz.: 10.20.0.11
              wsa2.example.dmz: { address: 10.20.0.12, ports: { 443: 9443 } }
            terminate: { certificate: tls/staging.pem, key: /etc/certlint/staging.key }
            limits: { max-connections: 50, idle-timeout: 30, handshake-timeout: 2, connect-timeout: 1, drain-timeout: 0 }
            """, path: "/srv/stage/stage.yaml")
        #expect(stage.deployment?.value == "access-prod")
        #expect(stage.listen == StageAddress(address: "127.0.0.1", ports: [443: 8443, 5262: 15262]))
        #expect(stage.vip == StageAddress(address: "10.0.0.5"))
        #expect(stage.nodes["wsa1.example.dmz"] == StageAddress(address: "10.20.0.11"))
        #expect(
            stage.nodes["wsa2.example.dmz"]?.endpoint(host: "wsa2.example.dmz", port: 443)
                == LiveEndpoint(host: "wsa2.example.dmz", port: 443, address: "10.20.0.12", connectPort: 9443))
        #expect(stage.terminateCertificate == "/srv/stage/tls/staging.pem")
        #expect(stage.terminateKey == "/etc/certlint/staging.key")
        #expect(stage.limits.maxConnections == 50)
        #expect(stage.limits.idleTimeout == .seconds(30))
        #expect(stage.limits.drainTimeout == .seconds(0))
    }

    @Test(arguments: [
        (
            "version: 1\nnodez: {}\n",
            "stage.yaml:2:1: nodez: unknown key; expected one of deployment, limits, listen, nodes, terminate, version, vip"
        ),
        ("nodes: {}\n", "stage.yaml:1:1: version: is missing; start the file with `version: 1`"),
        ("version: 2\n", "stage.yaml:1:10: version: must be 1, found 2"),
        (
            "version: 1\nlisten: { address: 127.0.0.1, ports: { 443: 70000 } }\n",
            "stage.yaml:2:45: listen.ports.443: must be from 0 to 65535, found 70000"
        ),
        (
            "version: 1\nnodes: [a, b]\n",
            "stage.yaml:2:8: nodes: must be a mapping of node name to address, found a list"
        ),
        (
            "version: 1\nterminate: { certificate: a.pem }\n",
            "stage.yaml:2:12: terminate: needs both `certificate` (the chain, leaf first) and `key`"
        ),
        (
            "version: 1\nlimits: { idle-timeout: soon }\n",
            "stage.yaml:2:25: limits.idle-timeout: must be an integer, found a string 'soon'"
        ),
        (
            "version: 1\nnodes: { a.example.com: { port: 1 } }\n",
            "stage.yaml:2:27: nodes.a.example.com.port: unknown key; expected one of address, ports"
        ),
        ("version: 1\nversion: 1\n", "stage.yaml:2:1: version: appears twice"),
        (
            "version: 1\nnodes: { a.example.com: 10.0.0.1, A.example.com.: 10.0.0.2 }\n",
            "stage.yaml:2:35: nodes.A.example.com.: appears twice"
        ),
        (
            "version: 1\nlimits: { drain-timeout: 0, idle-timeout: 0 }\n",
            "stage.yaml:2:43: limits.idle-timeout: must be from 1 to 86400, found 0"
        ),
        ("", "stage.yaml:1:1: (file): the file is empty; it needs at least `version: 1` and `nodes:`"),
        ("version: [1\n", "stage.yaml:2:1: (file): "),
    ])
    func badStageFilesSayWhereAndWhat(_ text: String, _ expected: String) {
        do {
            _ = try StageFile.parse(text, path: "stage.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
            #expect(
                error.description.hasSuffix("Fix the stage file; the README's \"Staging\" section lists every key."))
        }
    }

    @Test func planErrorsNameTheMissingPiece() async throws {
        let harness = try await ProxyHarness()
        defer { Task { await harness.stop() } }
        let scan = try await harness.repository.scan()
        func plan(_ text: String) throws -> ProxyPlan {
            try ProxyPlan.build(
                topology: scan.topology, stage: try StageFile.parse(text, path: "stage.yaml"), repositoryRoot: scan.root
            )
        }
        #expect(
            throws: StagingError.stage(
                path: "stage.yaml", line: 1, column: 1, keyPath: "nodes",
                problem:
                    "no address for pool member wsa1.example.com of listener 443 (lb/haproxy.cfg:12:5); add `wsa1.example.com: ADDRESS` under nodes"
            )
        ) {
            try plan("version: 1\nnodes: { wsa2.example.com: 127.0.0.1 }\n")
        }
        #expect(
            throws: StagingError.stage(
                path: "stage.yaml", line: 1, column: 1, keyPath: "terminate",
                problem:
                    "listener 443 terminates TLS, so the proxy needs `terminate: { certificate: …, key: … }` from outside the repository"
            )
        ) {
            try plan("version: 1\nnodes: { wsa1.example.com: 127.0.0.1, wsa2.example.com: 127.0.0.1 }\n")
        }
        #expect(
            throws: StagingError.stage(
                path: "stage.yaml", line: 2, column: 13, keyPath: "deployment",
                problem: "the repository declares no deployment access-dr; it declares access")
        ) {
            try plan("version: 1\ndeployment: access-dr\n")
        }
    }
}
