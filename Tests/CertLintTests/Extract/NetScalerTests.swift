import Testing

@testable import CertLint

enum NetScalerFixture {
    static func configuration(
        mode: LoadBalancerMode, nodes: [String], certProxyType: String = "TCP", serviceProtocol: String = "SSL",
        remotePort: Bool = true, certProxyPort: Int = 5262
    ) -> String {
        let reencrypt = mode == .reencrypt
        var lines = [
            "#NS13.1 Build 49.13",
            "add server wsa1 \(nodes[0])",
            "add server wsa2 \(nodes[1])",
            "add ssl certKey access_cert -cert /nsconfig/ssl/public.pem -key public.key",
            "add serviceGroup sg_access \(reencrypt ? serviceProtocol : "SSL_BRIDGE") -cip ENABLED X-Forwarded-For",
            "bind serviceGroup sg_access wsa1 443",
            "bind serviceGroup sg_access wsa2 443",
            "add serviceGroup sg_cert_proxy TCP",
            "bind serviceGroup sg_cert_proxy wsa1 \(certProxyPort)",
            "bind serviceGroup sg_cert_proxy wsa2 \(certProxyPort)",
            "add rewrite action rw_remote_port insert_http_header \(remotePort ? "RemotePort" : "X-Note") CLIENT.TCP.SRCPORT",
            "add rewrite policy rwp_remote_port true rw_remote_port",
            "add lb vserver vs_access \(reencrypt ? "SSL" : "SSL_BRIDGE") 203.0.113.10 443 -persistenceType NONE",
            "bind lb vserver vs_access sg_access",
        ]
        if reencrypt {
            lines += [
                "bind lb vserver vs_access -policyName rwp_remote_port -priority 100 -gotoPriorityExpression END -type REQUEST",
                "bind ssl vserver vs_access -certkeyName access_cert",
            ]
        }
        lines += [
            "add lb vserver vs_cert_proxy \(certProxyType) 203.0.113.10 5262",
            "bind lb vserver vs_cert_proxy sg_cert_proxy",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}

@Suite struct NetScalerTests {
    @Test(arguments: MatrixCase.all)
    func matrixRowsFromNSConf(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": matrixCase.manifest(declaring: false),
                "netscaler/ns.conf": NetScalerFixture.configuration(mode: matrixCase.mode, nodes: matrixCase.nodes),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        #expect(result.topology.deployments.first?.mode?.mode == matrixCase.mode)
    }

    let nodes = ["wsa1.example.dmz", "wsa2.example.dmz"]

    func scan(_ configuration: String) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        return try await FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "netscaler/ns.conf": configuration],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func listenerRules() async throws {
        var configuration = NetScalerFixture.configuration(mode: .reencrypt, nodes: nodes, certProxyType: "SSL_TCP")
        var result = try await scan(configuration)
        #expect(
            result.brief == [
                "CP004 \(location(of: "add lb vserver vs_cert_proxy", in: configuration, path: "netscaler/ns.conf"))"
            ])
        configuration = NetScalerFixture.configuration(mode: .reencrypt, nodes: nodes, certProxyPort: 443)
        result = try await scan(configuration)
        #expect(
            result.brief == [
                "CP005 \(location(of: "bind serviceGroup sg_cert_proxy wsa1 443", in: configuration, path: "netscaler/ns.conf"))"
            ])
        configuration = NetScalerFixture.configuration(mode: .reencrypt, nodes: nodes, serviceProtocol: "HTTP")
        result = try await scan(configuration)
        #expect(
            result.brief == [
                "CP007 \(location(of: "bind serviceGroup sg_access wsa1 443", in: configuration, path: "netscaler/ns.conf"))"
            ])
        configuration = NetScalerFixture.configuration(mode: .reencrypt, nodes: nodes, remotePort: false)
        result = try await scan(configuration)
        #expect(
            result.brief == [
                "CP008 \(location(of: "add lb vserver vs_access", in: configuration, path: "netscaler/ns.conf"))"
            ])
    }

    @Test func anUnclosedQuoteIsCP900() async throws {
        let result = try await scan("add lb vserver vs_x HTTP 203.0.113.9 80 -comment \"open\n")
        #expect(result.brief.filter { $0.hasPrefix("CP900") } == ["CP900 netscaler/ns.conf:1:50"])
        #expect(result.messages(.cp900) == ["NetScaler: the quote \" opened here is not closed on this line"])
    }

    /// NetScaler's words (the shared `QuotedWords`): a backslash escapes only inside quotes, `#` is text.
    @Test func wordsKeepBackslashesOutsideQuotesAndHashes() throws {
        #expect(
            try NetScalerExtractor.words(#"add x "a \"b\" c" d\e #f"#, line: 1) == [
                "add", "x", #"a "b" c"#, #"d\e"#, "#f",
            ])
    }
}
