import Foundation
import Testing

@testable import CertLint

/// NSX-T Policy API JSON and Avi (configuration JSON and Ansible) in the same cases as the
/// other formats: every matrix row, and CP004, CP005, CP007 and CP008.
enum PolicyFixture {
    enum Format: String, CaseIterable, Sendable { case nsxJSON, aviJSON, aviAnsible }

    struct Knobs: Sendable {
        var certProxyTerminates = false
        var certProxyPort = 5262
        var reencrypt = true
        var remotePort = true
    }

    static func escaped(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\\n") }

    static func text(
        _ format: Format, mode: LoadBalancerMode, nodes: [String], certificate: String, knobs: Knobs = Knobs()
    ) -> String {
        let tls = mode == .reencrypt
        let pem = escaped(Fixtures.certificate(certificate))
        switch format {
        case .nsxJSON:
            let members443 = nodes.map { "{\"ip_address\": \"\($0)\", \"port\": \"443\"}" }.joined(separator: ", ")
            let members5262 = nodes.map { "{\"ip_address\": \"\($0)\", \"port\": \"\(knobs.certProxyPort)\"}" }.joined(
                separator: ", ")
            return """
                {
                  "resource_type": "Infra",
                  "children": [
                    {"resource_type": "ChildLBHttpProfile", "LBHttpProfile": {"resource_type": "LBHttpProfile", "id": "access-http", "x_forwarded_for": "INSERT"}},
                    {"resource_type": "ChildLBFastTcpProfile", "LBFastTcpProfile": {"resource_type": "LBFastTcpProfile", "id": "access-tcp"}},
                    {"resource_type": "ChildTlsCertificate", "TlsCertificate": {"resource_type": "TlsCertificate", "id": "access", "pem_encoded": "\(pem)"}},
                    {"resource_type": "ChildLBPool", "LBPool": {"resource_type": "LBPool", "id": "access-443", "members": [\(members443)]}},
                    {"resource_type": "ChildLBPool", "LBPool": {"resource_type": "LBPool", "id": "access-5262", "members": [\(members5262)]}},
                    {"resource_type": "ChildLBVirtualServer", "LBVirtualServer": {
                      "resource_type": "LBVirtualServer", "id": "access-https", "ports": ["443"],
                      "application_profile_path": "/infra/lb-app-profiles/\(tls ? "access-http" : "access-tcp")",
                      "pool_path": "/infra/lb-pools/access-443"\(tls ? """
                ,
                      "client_ssl_profile_binding": {"default_certificate_path": "/infra/certificates/access"}\(knobs.reencrypt ? ",\n      \"server_ssl_profile_binding\": {\"ssl_profile_path\": \"/infra/lb-server-ssl-profiles/default\"}" : ""),
                      "rules": [{"phase": "HTTP_REQUEST_REWRITE", "actions": [{"type": "LBHttpRequestHeaderRewriteAction", "header_name": "\(knobs.remotePort ? "Remoteport" : "X-Note")", "header_value": "$_remote_port"}]}]
                """ : "")
                    }},
                    {"resource_type": "ChildLBVirtualServer", "LBVirtualServer": {
                      "resource_type": "LBVirtualServer", "id": "access-cert-proxy", "ports": ["5262"],
                      "application_profile_path": "/infra/lb-app-profiles/access-tcp",
                      "pool_path": "/infra/lb-pools/access-5262"\(knobs.certProxyTerminates ? ",\n      \"client_ssl_profile_binding\": {\"default_certificate_path\": \"/infra/certificates/access\"}" : "")
                    }}
                  ]
                }

                """
        case .aviJSON, .aviAnsible:
            let servers443 = nodes.map {
                "{\"hostname\": \"\($0)\", \"ip\": {\"addr\": \"\($0)\", \"type\": \"DNS\"}, \"port\": 443}"
            }.joined(separator: ", ")
            let servers5262 = nodes.map { "{\"hostname\": \"\($0)\", \"port\": \(knobs.certProxyPort)}" }.joined(
                separator: ", ")
            let records = """
                "SSLKeyAndCertificate": [{"name": "access", "certificate": {"certificate": "\(pem)"}}],
                "HTTPPolicySet": [{"name": "remote-port", "http_request_policy": {"rules": [{"name": "insert", "hdr_action": [{"action": "HTTP_ADD_HDR", "hdr": {"name": "\(knobs.remotePort ? "RemotePort" : "X-Note")"}}]}]}}],
                "Pool": [
                  {"name": "access-443", \(tls && knobs.reencrypt ? "\"ssl_profile_ref\": \"/api/sslprofile?name=System-Standard\", " : "")"servers": [\(servers443)]},
                  {"name": "access-5262", "servers": [\(servers5262)]}
                ],
                "VirtualService": [
                  {"name": "access-https", "application_profile_ref": "/api/applicationprofile?name=\(tls ? "System-Secure-HTTP" : "System-L4-Application")",
                   "pool_ref": "/api/pool?name=access-443", "ssl_key_and_certificate_refs": ["/api/sslkeyandcertificate?name=access"],
                   "services": [{"port": 443, "enable_ssl": \(tls)}],
                   "http_policies": [{"index": 11, "http_policy_set_ref": "/api/httppolicyset?name=remote-port"}]},
                  {"name": "access-cert-proxy", "application_profile_ref": "/api/applicationprofile?name=System-L4-Application",
                   "pool_ref": "/api/pool?name=access-5262", "ssl_key_and_certificate_refs": ["/api/sslkeyandcertificate?name=access"],
                   "services": [{"port": 5262, "enable_ssl": \(knobs.certProxyTerminates)}]}
                ]
                """
            if format == .aviJSON { return "{\n\(records)\n}\n" }
            // Ansible: the same records as an avi_config fact, lower-cased as the aviconfig role has them.
            let lowered = records.replacingOccurrences(of: "\"SSLKeyAndCertificate\"", with: "\"sslkeyandcertificate\"")
                .replacingOccurrences(of: "\"HTTPPolicySet\"", with: "\"httppolicyset\"").replacingOccurrences(
                    of: "\"Pool\"", with: "\"pool\""
                )
                .replacingOccurrences(of: "\"VirtualService\"", with: "\"virtualservice\"")
            return "- name: Workspace ONE Access on Avi\n  set_fact:\n    avi_config: {\n\(lowered)\n    }\n"
        }
    }

    static func path(_ format: Format) -> String {
        switch format {
        case .nsxJSON: return "nsx/infra.json"
        case .aviJSON: return "avi/config.json"
        case .aviAnsible: return "avi/access.yml"
        }
    }
}

struct PolicyMatrixCase: CustomTestStringConvertible, Sendable {
    let format: PolicyFixture.Format
    let matrixCase: MatrixCase
    var testDescription: String { "\(format.rawValue): \(matrixCase.testDescription)" }
    static let all = PolicyFixture.Format.allCases.flatMap { format in
        MatrixCase.all.map { PolicyMatrixCase(format: format, matrixCase: $0) }
    }
}

@Suite struct PolicyJSONTests {
    @Test(arguments: PolicyMatrixCase.all)
    func matrixRows(_ policyCase: PolicyMatrixCase) async throws {
        let matrixCase = policyCase.matrixCase
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": matrixCase.manifest(declaring: false),
                PolicyFixture.path(policyCase.format): PolicyFixture.text(
                    policyCase.format, mode: matrixCase.mode, nodes: matrixCase.nodes,
                    certificate: matrixCase.certificate),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        #expect(result.topology.deployments.first?.mode?.mode == matrixCase.mode)
    }

    @Test(arguments: PolicyFixture.Format.allCases)
    func listenerRules(_ format: PolicyFixture.Format) async throws {
        let row5 = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        func scan(_ knobs: PolicyFixture.Knobs) async throws -> [String] {
            let repository = try FixtureRepository(
                files: [
                    "certlint.yaml": row5.manifest(declaring: false),
                    PolicyFixture.path(format): PolicyFixture.text(
                        format, mode: .reencrypt, nodes: row5.nodes, certificate: "san-disjoint", knobs: knobs),
                ],
                certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"])
            return try await repository.scan().findings.map { "\($0.ruleID) \($0.location.path)" }
        }
        let path = PolicyFixture.path(format)
        #expect(try await scan(PolicyFixture.Knobs()) == [])
        #expect(try await scan(PolicyFixture.Knobs(certProxyTerminates: true)) == ["CP004 \(path)"])
        #expect(try await scan(PolicyFixture.Knobs(certProxyPort: 443)) == ["CP005 \(path)"])
        #expect(try await scan(PolicyFixture.Knobs(reencrypt: false)) == ["CP007 \(path)"])
        #expect(try await scan(PolicyFixture.Knobs(remotePort: false)) == ["CP008 \(path)"])
    }
}

@Suite struct AviAnsibleModuleTests {
    @Test func moduleStyleTasksAreReadToo() async throws {
        let tasks = """
            - name: Cert proxy pool
              avinetworks.avisdk.avi_pool:
                name: access-5262
                servers:
                  - hostname: wsa1.example.dmz
                    port: 5262
            - name: Cert proxy virtual service
              avi_virtualservice:
                name: access-cert-proxy
                application_profile_ref: /api/applicationprofile?name=System-L4-Application
                pool_ref: /api/pool?name=access-5262
                services:
                  - port: 5262
                    enable_ssl: true
            - name: A templated service is not read
              avi_virtualservice:
                name: "{{ vs_name }}"
                services:
                  - port: "{{ vs_port }}"

            """
        let manifest = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!.manifest(declaring: true)
        let repository = try FixtureRepository(
            files: ["certlint.yaml": manifest, "ansible/avi.yml": tasks],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"])
        let result = try await repository.scan()
        // The service entry `- port: 5262 …` of the second task; its mapping starts after "- ".
        let line =
            tasks.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("- port: 5262") }!
            + 1
        #expect(result.brief == ["CP004 ansible/avi.yml:\(line):9"])
    }
}
