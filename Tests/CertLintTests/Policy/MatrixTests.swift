import Testing

@testable import CertLint

/// Every row of the decision matrix, with and without port 5263, and the combinations the
/// table leaves out: once declared in certlint.yaml (lb-mode), once decided by an HAProxy
/// configuration.
struct MatrixCase: CustomTestStringConvertible, Sendable {
    let label: String
    let namespace: Namespace
    let certificate: String
    let mode: LoadBalancerMode
    let with5263: Bool
    /// The one matrix rule expected (CP001, CP002, CP003), or nil for a clean verdict.
    let expected: String?

    var testDescription: String {
        "\(label), \(certificate), \(mode.rawValue), 5263 \(with5263 ? "configured" : "absent")"
    }

    var nodes: [String] {
        namespace == .shared ? ["wsa1.example.com", "wsa2.example.com"] : ["wsa1.example.dmz", "wsa2.example.dmz"]
    }

    static let all: [MatrixCase] = {
        var cases: [MatrixCase] = []
        func add(
            _ label: String, _ namespace: Namespace, _ certificates: [String], _ mode: LoadBalancerMode,
            without: String?, with: String?
        ) {
            for certificate in certificates {
                cases.append(
                    MatrixCase(
                        label: label, namespace: namespace, certificate: certificate, mode: mode, with5263: false,
                        expected: without))
                cases.append(
                    MatrixCase(
                        label: label, namespace: namespace, certificate: certificate, mode: mode, with5263: true,
                        expected: with))
            }
        }
        add("row 1", .shared, ["wildcard", "san-shared"], .reencrypt, without: nil, with: "CP002")
        add("row 2", .shared, ["single-host"], .reencrypt, without: "CP001", with: nil)
        add("row 3", .shared, ["wildcard", "san-shared"], .passthrough, without: nil, with: "CP002")
        add("row 4", .disjoint, ["wildcard", "single-host"], .reencrypt, without: "CP001", with: nil)
        add("row 5", .disjoint, ["san-disjoint"], .reencrypt, without: nil, with: "CP002")
        add("row 6", .disjoint, ["san-disjoint"], .passthrough, without: nil, with: "CP002")
        add("unlisted", .shared, ["single-host"], .passthrough, without: "CP003", with: "CP003")
        add("unlisted", .disjoint, ["wildcard"], .passthrough, without: "CP003", with: "CP003")
        add("unlisted", .disjoint, ["single-host"], .passthrough, without: "CP003", with: "CP003")
        return cases
    }()

    /// certlint.yaml; with `lbMode` the manifest declares the mode and the certificate itself.
    func manifest(declaring: Bool) -> String {
        var lines = [
            "version: 1",
            "settings:",
            "  system-trust: false",
            "  trust-anchors: [certs/ca.pem]",
            "deployments:",
            "  - name: access",
            "    vip: access.example.com",
            "    nodes: [\(nodes.joined(separator: ", "))]",
        ]
        if declaring { lines.append("    lb-mode: \(mode.rawValue)") }
        if mode == .passthrough {
            lines.append("    service-certificate: certs/public.pem")
        } else if declaring {
            lines.append("    public-certificate: certs/public.pem")
        }
        lines += ["    cert-proxy:", "      port: 5262"]
        if with5263 { lines.append("      secondary-port: 5263") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The line of `cert-proxy:`'s first key, where CP001 points.
    func certProxyLine(declaring: Bool) -> Int { declaring ? 12 : (mode == .passthrough ? 11 : 10) }

    func haproxy() -> String {
        let tls = mode == .reencrypt
        return """
            global
                log stdout format raw local0

            defaults
                timeout connect 5s

            frontend access_https
                mode \(tls ? "http" : "tcp")
                bind :443\(tls ? " ssl crt /etc/haproxy/certs/public.pem" : "")
            \(tls ? "    option forwardfor\n    http-request set-header RemotePort %[src_port]\n" : "")    default_backend access_nodes

            backend access_nodes
                mode \(tls ? "http" : "tcp")
                option httpchk GET /SAAS/API/1.0/REST/system/health/heartbeat
                server wsa1 \(nodes[0]):443\(tls ? " ssl verify required ca-file /etc/haproxy/nodes.pem" : "") check
                server wsa2 \(nodes[1]):443\(tls ? " ssl verify required ca-file /etc/haproxy/nodes.pem" : "") check

            frontend cert_proxy
                mode tcp
                bind :5262
                default_backend cert_proxy_nodes

            backend cert_proxy_nodes
                mode tcp
                server wsa1 \(nodes[0]):5262 check
                server wsa2 \(nodes[1]):5262 check

            """
    }

    /// `manifest(declaring:)` with `load-balancer: [folder]` before `cert-proxy:`, for formats
    /// whose listeners cannot be linked by node names (cloud targets, pods).
    func manifest(loadBalancer folder: String) -> String {
        manifest(declaring: false).replacingOccurrences(
            of: "    cert-proxy:\n", with: "    load-balancer: [\(folder)]\n    cert-proxy:\n")
    }

    /// The matrix finding with its location; one line lower when `load-balancer:` was added.
    func expectedBrief(declaring: Bool, loadBalancerLine: Bool = false) -> [String] {
        let line = certProxyLine(declaring: declaring) + (loadBalancerLine ? 1 : 0)
        switch expected {
        case "CP001"?: return ["CP001 certlint.yaml:\(line):7"]
        case "CP002"?: return ["CP002 certlint.yaml:\(line + 1):23"]
        case "CP003"?: return ["CP003 certlint.yaml:6:11"]
        default: return []
        }
    }
}

@Suite struct MatrixTests {
    @Test(arguments: MatrixCase.all)
    func declaredInManifest(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: true)],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: true))
    }

    @Test(arguments: MatrixCase.all)
    func decidedByHAProxy(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "lb/haproxy.cfg": matrixCase.haproxy()],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.mode?.mode == matrixCase.mode)
        #expect(deployment.mode?.fromLoadBalancer == true)
        #expect(deployment.listeners.map(\.role) == [.service, .certProxy])
    }

    @Test func messagesNameTheRowAndTheFacts() async throws {
        let single = MatrixCase.all.first { $0.label == "row 4" && $0.certificate == "single-host" && !$0.with5263 }!
        let repository = try FixtureRepository(
            files: ["certlint.yaml": single.manifest(declaring: false), "lb/haproxy.cfg": single.haproxy()],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "single-host"])
        let result = try await repository.scan()
        #expect(
            result.messages(.cp001) == [
                "deployment access: row 4 of the decision matrix (disjoint namespace (example.com / example.dmz), Single Host CN certificate certs/public.pem, 443 SSL re-encryption (from lb/haproxy.cfg:9:5)) requires cert proxy port 5263, and cert-proxy.secondary-port is not set"
            ])
        let unlisted = MatrixCase.all.first {
            $0.label == "unlisted" && $0.namespace == .disjoint && $0.certificate == "wildcard"
        }!
        let other = try FixtureRepository(
            files: ["certlint.yaml": unlisted.manifest(declaring: true)],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "wildcard"])
        #expect(
            try await other.scan().messages(.cp003) == [
                "deployment access: disjoint namespace (example.com / example.dmz), Wildcard certificate certs/public.pem, 443 SSL passthrough (from lb-mode in certlint.yaml) is not a row of the decision matrix: under passthrough the nodes present the public certificate themselves, and a wildcard for the public domain does not cover node names in another domain"
            ])
    }

    @Test func partialSANIsASingleHostCNThatNamesTheMissingNodes() async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": """
                version: 1
                settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
                deployments:
                  - name: access
                    vip: access.example.com
                    nodes: [wsa1.example.com, wsa2.example.com]
                    lb-mode: reencrypt
                    public-certificate: certs/partial.pem

                """
            ],
            certificates: ["certs/ca.pem": "ca", "certs/partial.pem": "partial-san"])
        let result = try await repository.scan()
        #expect(result.brief == ["CP001 certlint.yaml:4:11"])
        #expect(result.messages(.cp001).first?.contains("Single Host CN certificate certs/partial.pem") == true)
        #expect(
            result.messages(.cp001).first?.contains(
                "it names the VIP and wsa1.example.com but not wsa2.example.com, so it counts as Single Host CN")
                == true)
    }

    @Test func nodesInASubDomainAreDisjointAndNotCoveredByTheWildcard() async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": """
                version: 1
                settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
                deployments:
                  - name: access
                    vip: access.example.com
                    nodes: [wsa1.dmz.example.com, wsa2.dmz.example.com]
                    lb-mode: passthrough
                    service-certificate: certs/wildcard.pem

                """
            ],
            certificates: ["certs/ca.pem": "ca", "certs/wildcard.pem": "wildcard"])
        let result = try await repository.scan()
        #expect(result.brief == ["CP003 certlint.yaml:4:11"])
        #expect(result.topology.deployments.first?.namespace == .disjoint)
    }
}

@Suite struct MatrixRepositoryTests {
    /// One repository holding the six rows of the table, none with 5263: exactly rows 2 and 4
    /// need it.
    @Test func aRepositoryWithTheSixRowsGetsTheTablesVerdicts() async throws {
        let rows: [(Int, String, String, String)] = [
            (1, "example.com", "wildcard", "reencrypt"), (2, "example.com", "single-host", "reencrypt"),
            (3, "example.com", "san-shared", "passthrough"), (4, "example.dmz", "wildcard", "reencrypt"),
            (5, "example.dmz", "san-disjoint", "reencrypt"), (6, "example.dmz", "san-disjoint", "passthrough"),
        ]
        var manifest = "version: 1\nsettings: {system-trust: false, trust-anchors: [certs/ca.pem]}\ndeployments:\n"
        for (row, domain, certificate, mode) in rows {
            let key = mode == "passthrough" ? "service-certificate" : "public-certificate"
            manifest +=
                "  - name: row\(row)\n    vip: access.example.com\n    nodes: [wsa1.\(domain), wsa2.\(domain)]\n    lb-mode: \(mode)\n    \(key): certs/\(certificate).pem\n"
        }
        let repository = try FixtureRepository(
            files: ["certlint.yaml": manifest],
            certificates: Dictionary(
                uniqueKeysWithValues: ["ca", "wildcard", "single-host", "san-shared", "san-disjoint"].map {
                    ("certs/\($0).pem", $0)
                }))
        let result = try await repository.scan()
        #expect(result.brief == ["CP001 certlint.yaml:9:11", "CP001 certlint.yaml:19:11"])
        #expect(result.findings.map(\.subject) == ["deployment row2 / matrix", "deployment row4 / matrix"])
        #expect(
            result.findings.allSatisfy {
                $0.message.contains("row \($0.subject.dropFirst(14).prefix(1)) of the decision matrix")
            })
    }
}

@Suite struct CatalogTests {
    @Test func everyCatalogRuleHasACheckAndEveryCheckACatalogEntry() {
        let checked = Set(builtInRules.flatMap(\.ruleIDs) + liveRules.flatMap(\.ruleIDs) + Suppressor.ruleIDs)
        let catalogued = Set(RuleCatalog.builtIn.rules.map(\.id))
        #expect(checked == catalogued)
        // The typed IDs are generated from the same catalog, in its order.
        #expect(RuleID.catalogued == RuleCatalog.builtIn.rules.map(\.id))
    }

    @Test(arguments: RuleCatalog.builtIn.rules)
    func everyRuleIsDocumented(_ rule: RuleDescription) {
        #expect(rule.help.contains("**Why.**"))
        #expect(rule.help.contains("**Fix.**"))
        #expect(!rule.tags.isEmpty)
        #expect(Double(rule.securitySeverity).map { (0...10).contains($0) } == true)
        #expect(rule.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" })
    }

    @Test func theMatrixHasTheSixRowsAndThreeUnsupportedCombinations() {
        let matrix = RuleCatalog.builtIn.matrix
        #expect(matrix.rows.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(matrix.rows.filter(\.port5263Required).map(\.number) == [2, 4])
        #expect(matrix.unsupported.count == 3)
        // Every namespace × type × mode is either a row or unsupported, never both.
        for namespace in [Namespace.shared, .disjoint] {
            for type in CertificateType.allCases {
                for mode in [LoadBalancerMode.reencrypt, .passthrough] {
                    let rows = matrix.rows.filter {
                        $0.namespace == namespace && $0.certificateTypes.contains(type) && $0.mode == mode
                    }
                    let unsupported = matrix.unsupported.filter {
                        $0.namespace == namespace && $0.certificateTypes.contains(type) && $0.mode == mode
                    }
                    #expect(rows.count + unsupported.count == 1, "\(namespace) \(type) \(mode)")
                }
            }
        }
    }
}
