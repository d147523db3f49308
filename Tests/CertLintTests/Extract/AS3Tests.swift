import Foundation
import Testing

@testable import CertLint

enum AS3Fixture {
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\\n")
    }

    static func application(
        mode: LoadBalancerMode, nodes: [String], certificate: String, certProxyClass: String = "Service_TCP",
        clientTLS: Bool = true, remotePort: Bool = true, certProxyPort: Int = 5262
    ) -> String {
        let members = nodes.map { "\"\($0)\"" }.joined(separator: ", ")
        let web =
            mode == .reencrypt
            ? """
                    "access_https": {
                      "class": "Service_HTTPS",
                      "virtualAddresses": ["203.0.113.10"],
                      "pool": "access_pool",
                      "serverTLS": "access_tls",
                      \(clientTLS ? "\"clientTLS\": \"nodes_tls\"," : "")
                      "profileHTTP": {"use": "access_http"},
                      "iRules": ["remote_port"]
                    },
                    "access_tls": {"class": "TLS_Server", "certificates": [{"certificate": "access_cert"}]},
                    "nodes_tls": {"class": "TLS_Client"},
                    "access_cert": {"class": "Certificate", "certificate": "\(escaped(Fixtures.certificate(certificate)))"},
                    "access_http": {"class": "HTTP_Profile", "xForwardedFor": true},
                    "remote_port": {"class": "iRule", "iRule": "when HTTP_REQUEST {\\n  HTTP::header insert \(remotePort ? "RemotePort" : "X-Note") [TCP::client_port]\\n}"},
            """
            : """
                    "access_https": {
                      "class": "Service_TCP",
                      "virtualAddresses": ["203.0.113.10"],
                      "virtualPort": 443,
                      "pool": "access_pool"
                    },
            """
        return """
            {
              "class": "AS3",
              "declaration": {
                "class": "ADC",
                "schemaVersion": "3.50.0",
                "access": {
                  "class": "Tenant",
                  "workspace_one": {
                    "class": "Application",
            \(web)
                    "access_pool": {"class": "Pool", "members": [{"servicePort": 443, "serverAddresses": [\(members)]}]},
                    "cert_proxy": {
                      "class": "\(certProxyClass)",
                      "virtualAddresses": ["203.0.113.10"],
                      "virtualPort": 5262,
                      "pool": "cert_proxy_pool"
                    },
                    "cert_proxy_pool": {"class": "Pool", "members": [{"servicePort": \(certProxyPort), "serverAddresses": [\(members)]}]}
                  }
                }
              }
            }

            """
    }
}

@Suite struct AS3Tests {
    @Test(arguments: MatrixCase.all)
    func matrixRowsFromAS3(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": matrixCase.manifest(declaring: false),
                "f5/access.json": AS3Fixture.application(
                    mode: matrixCase.mode, nodes: matrixCase.nodes, certificate: matrixCase.certificate),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        #expect(result.topology.deployments.first?.mode?.mode == matrixCase.mode)
    }

    let nodes = ["wsa1.example.dmz", "wsa2.example.dmz"]

    func scan(_ declaration: String) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        return try await FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "f5/access.json": declaration],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func listenerRules() async throws {
        var declaration = AS3Fixture.application(
            mode: .reencrypt, nodes: nodes, certificate: "san-disjoint", certProxyClass: "Service_HTTPS")
        var result = try await scan(declaration)
        #expect(result.findings.map(\.ruleID) == [.cp004])
        let serviceLine =
            declaration.split(separator: "\n", omittingEmptySubsequences: false).lastIndex {
                $0.contains("\"class\": \"Service_HTTPS\"")
            }! + 1
        #expect(result.brief == ["CP004 f5/access.json:\(serviceLine):20"])  // the value of "class"

        declaration = AS3Fixture.application(
            mode: .reencrypt, nodes: nodes, certificate: "san-disjoint", certProxyPort: 443)
        result = try await scan(declaration)
        #expect(result.findings.map(\.ruleID) == [.cp005])

        declaration = AS3Fixture.application(
            mode: .reencrypt, nodes: nodes, certificate: "san-disjoint", clientTLS: false)
        result = try await scan(declaration)
        #expect(result.findings.map(\.ruleID) == [.cp007])

        declaration = AS3Fixture.application(
            mode: .reencrypt, nodes: nodes, certificate: "san-disjoint", remotePort: false)
        result = try await scan(declaration)
        #expect(result.findings.map(\.ruleID) == [.cp008])
    }

    @Test func twoThousandApplicationsFinishQuickly() throws {
        var applications: [String] = []
        for index in 0..<2000 {
            applications.append(
                """
                "app_\(index)": {"class": "Application", "web": {"class": "Service_HTTP", "virtualAddresses": ["192.0.2.\(index % 250)"], "pool": "pool"}, "pool": {"class": "Pool", "members": [{"servicePort": 80, "serverAddresses": ["198.51.100.\(index % 250)"]}]}}
                """)
        }
        let text =
            "{\"class\": \"ADC\", \"schemaVersion\": \"3.0.0\", \"tenant\": {\"class\": \"Tenant\", \(applications.joined(separator: ",\n"))}}"
        // Speed is the benchmark's to measure; this shows every application is read.
        let listeners = try AS3Extractor().extract(ScannedFile(path: "big.json", bytes: Array(text.utf8))).listeners
        #expect(listeners.count == 2000)
        #expect(Set(listeners.map(\.name)).count == 1)  // "Service_HTTP web" in each application
        #expect(listeners.allSatisfy { $0.port == 80 && $0.layer == .l7 && $0.members.count == 1 })
    }
}
