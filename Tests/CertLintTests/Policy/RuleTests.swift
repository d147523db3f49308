import Testing

@testable import CertLint

/// A disjoint-namespace deployment with a SAN certificate and SSL re-encryption (matrix row 5),
/// correct in every respect; each test breaks one thing.
enum GoodDeployment {
    static let manifest = """
        version: 1
        settings:
          system-trust: false
          trust-anchors: [certs/ca.pem]
        deployments:
          - name: access
            vip: access.example.com
            nodes: [wsa1.example.dmz, wsa2.example.dmz]
            service-certificate: certs/node.pem

        """

    static let haproxy = """
        global
            log stdout format raw local0

        defaults
            mode http
            timeout connect 5s

        frontend access_https
            bind :443 ssl crt /etc/haproxy/certs/access.pem
            option forwardfor
            http-request set-header RemotePort %[src_port]
            default_backend access_nodes

        backend access_nodes
            option httpchk GET /SAAS/API/1.0/REST/system/health/heartbeat
            server wsa1 wsa1.example.dmz:443 ssl verify required ca-file /etc/haproxy/node.pem check
            server wsa2 wsa2.example.dmz:443 ssl verify required ca-file /etc/haproxy/node.pem check

        frontend cert_proxy
            mode tcp
            bind :5262
            default_backend cert_proxy_nodes

        backend cert_proxy_nodes
            mode tcp
            server wsa1 wsa1.example.dmz:5262 check
            server wsa2 wsa2.example.dmz:5262 check

        """

    static let certificates = [
        "certs/ca.pem": "ca", "certs/access.pem": "san-disjoint", "certs/node.pem": "node-self-signed",
    ]

    static func repository(
        manifest: String = manifest, haproxy: String? = haproxy, extra: [String: String] = [:],
        certificates: [String: String] = [:]
    ) throws -> FixtureRepository {
        var files = extra
        files["certlint.yaml"] = manifest
        if let haproxy { files["lb/haproxy.cfg"] = haproxy }
        return try FixtureRepository(files: files, certificates: self.certificates.merging(certificates) { $1 })
    }
}

/// `path:line:column` of the first line that contains `marker`, at its first non-blank column.
func location(of marker: String, in text: String, path: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let index = lines.firstIndex(where: { $0.contains(marker) }) else { return "\(path): no line with \(marker)" }
    let column =
        (lines[index].firstIndex { $0 != " " }.map { lines[index].distance(from: lines[index].startIndex, to: $0) } ?? 0)
        + 1
    return "\(path):\(index + 1):\(column)"
}

extension String {
    func replacing(_ old: String, with new: String) -> String {
        precondition(contains(old), "fixture text lacks \(old)")
        return replacingOccurrences(of: old, with: new)
    }
}

@Suite struct RuleTests {
    let cfg = "lb/haproxy.cfg"

    @Test func theGoodDeploymentIsClean() async throws {
        let result = try await GoodDeployment.repository().scan()
        #expect(result.brief == [])
        #expect(result.checks.count > 15)
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.mode?.mode == .reencrypt)
        #expect(deployment.classification?.type == .san)
        #expect(deployment.publicCertificate?.path == "certs/access.pem")
    }

    @Test func cp004TLSTerminatedOnTheCertProxyPort() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem")
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP004 \(location(of: "bind :5262", in: haproxy, path: cfg))"])
        #expect(
            result.messages(.cp004) == [
                "deployment access: the cert proxy listener frontend cert_proxy on port 5262 terminates TLS; port 5262 must be Layer 4 TCP passthrough so the device's client certificate reaches the cert proxy"
            ])
    }

    @Test func cp004HTTPModeOnTheCertProxyPort() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "frontend cert_proxy\n    mode tcp", with: "frontend cert_proxy\n    mode http")
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP004 lb/haproxy.cfg:20:5"])
        #expect(result.messages(.cp004).first?.contains("works at Layer 7 (HTTP)") == true)
    }

    @Test func cp004ReEncryptionToTheCertProxy() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "server wsa1 wsa1.example.dmz:5262 check", with: "server wsa1 wsa1.example.dmz:5262 ssl verify none check")
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP004 \(location(of: "wsa1.example.dmz:5262", in: haproxy, path: cfg))"])
        #expect(result.messages(.cp004).first?.contains("opens its own TLS to wsa1") == true)
    }

    @Test func cp005CertProxyForwardedToAnotherPort() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "server wsa2 wsa2.example.dmz:5262 check", with: "server wsa2 wsa2.example.dmz:443 check")
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP005 \(location(of: "wsa2.example.dmz:443 check", in: haproxy, path: cfg))"])
        #expect(
            result.messages(.cp005) == [
                "deployment access: the cert proxy listener frontend cert_proxy forwards to wsa2 → wsa2.example.dmz:443; the cert proxy listens on port 5262 of the nodes"
            ])
    }

    @Test func cp006Port5263PublishedOnTheLoadBalancer() async throws {
        let haproxy =
            GoodDeployment.haproxy + """

                listen cert_proxy_secondary
                    mode tcp
                    bind :5263
                    server wsa1 wsa1.example.dmz:5263

                """
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP006 \(location(of: "bind :5263", in: haproxy, path: cfg))"])
    }

    @Test func cp007OffloadingWithoutReEncryption() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "server wsa2 wsa2.example.dmz:443 ssl verify required ca-file /etc/haproxy/node.pem check",
            with: "server wsa2 wsa2.example.dmz:80 check")
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP007 \(location(of: "wsa2.example.dmz:80", in: haproxy, path: cfg))"])
        #expect(
            result.messages(.cp007) == [
                "deployment access: frontend access_https terminates TLS on port 443 and forwards to wsa2 (wsa2.example.dmz) without TLS; re-encrypt to the nodes (HAProxy: `ssl verify required ca-file …` on the server lines; AWS: target group protocol HTTPS or TLS)"
            ])
    }

    @Test func cp008HeadersMissing() async throws {
        let withoutRemotePort = GoodDeployment.haproxy.replacing(
            "    http-request set-header RemotePort %[src_port]\n", with: "")
        var result = try await GoodDeployment.repository(haproxy: withoutRemotePort).scan()
        #expect(result.brief == ["CP008 \(location(of: "frontend access_https", in: withoutRemotePort, path: cfg))"])
        #expect(
            result.messages(.cp008) == [
                "deployment access: the Layer 7 listener frontend access_https on port 443 does not insert RemotePort; the node that handles 443 needs X-Forwarded-For and RemotePort to find the client certificate stored by the cert proxy"
            ])

        let withoutBoth = withoutRemotePort.replacing("    option forwardfor\n", with: "")
        result = try await GoodDeployment.repository(haproxy: withoutBoth).scan()
        #expect(result.messages(.cp008).first?.contains("does not insert X-Forwarded-For and RemotePort") == true)

        // Headers set in the backend count too; `Remoteport` is the spelling of VMware's NSX automation.
        let inBackend = withoutBoth.replacing(
            "\nbackend access_nodes\n",
            with: "\nbackend access_nodes\n    option forwardfor\n    http-request add-header Remoteport %[src_port]\n")
        result = try await GoodDeployment.repository(haproxy: inBackend).scan()
        #expect(result.brief == [])
    }

    @Test func cp008TerminatingInTCPModeCannotInsertHeaders() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "frontend access_https\n", with: "frontend access_https\n    mode tcp\n"
        )
        .replacing("\nbackend access_nodes\n", with: "\nbackend access_nodes\n    mode tcp\n")
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == ["CP008 \(location(of: "mode tcp", in: haproxy, path: cfg))"])
        #expect(
            result.messages(.cp008).first?.contains("in mode tcp, so it cannot insert X-Forwarded-For and RemotePort")
                == true)
    }

    @Test func cp009LBModeContradictsTheConfiguration() async throws {
        let manifest = GoodDeployment.manifest.replacing(
            "    service-certificate", with: "    lb-mode: passthrough\n    service-certificate")
        let result = try await GoodDeployment.repository(manifest: manifest).scan()
        #expect(result.brief == ["CP009 certlint.yaml:9:14"])
        #expect(
            result.messages(.cp009) == [
                "deployment access: lb-mode is passthrough, but the load-balancer configuration at lb/haproxy.cfg:9:5 implements SSL re-encryption; certlint follows the configuration"
            ])
    }

    @Test func cp010CertificateDoesNotCoverTheVIP() async throws {
        let result = try await GoodDeployment.repository(certificates: ["certs/access.pem": "other-host"]).scan()
        #expect(result.brief == ["CP010 lb/haproxy.cfg:9:23"])
        #expect(
            result.messages(.cp010) == [
                "deployment access: the public certificate certs/access.pem (CN=portal.example.org, DNS=[portal.example.org]) does not cover the VIP access.example.com; the decision matrix cannot be applied"
            ])
    }

    @Test func cp010OneLabelWildcardDoesNotCoverADeeperVIP() async throws {
        let manifest = GoodDeployment.manifest.replacing("vip: access.example.com", with: "vip: access.eu.example.com")
        let result = try await GoodDeployment.repository(
            manifest: manifest, certificates: ["certs/access.pem": "wildcard"]
        ).scan()
        #expect(result.brief == ["CP010 lb/haproxy.cfg:9:23"])
    }

    @Test func cp011PassthroughWithAnotherCertificateOnTheCertProxy() async throws {
        let manifest = """
            version: 1
            settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
            deployments:
              - name: access
                vip: access.example.com
                nodes: [wsa1.example.dmz, wsa2.example.dmz]
                lb-mode: passthrough
                service-certificate: certs/access.pem
                cert-proxy:
                  certificate: certs/other.pem

            """
        let result = try await GoodDeployment.repository(
            manifest: manifest, haproxy: nil, certificates: ["certs/other.pem": "san-disjoint-chain"]
        ).scan()
        // san-disjoint-chain.pem holds the same leaf as access.pem: no finding.
        #expect(result.brief == [])
        let different = try await GoodDeployment.repository(
            manifest: manifest, haproxy: nil, certificates: ["certs/other.pem": "wildcard"]
        ).scan()
        #expect(different.brief == ["CP011 certlint.yaml:10:20"])
        #expect(
            different.messages(.cp011).first?.hasPrefix(
                "deployment access: 443 is SSL passthrough, so the cert proxy must present the Access service's certificate certs/access.pem"
            ) == true)
    }

    @Test func cp012CertProxyCertificateNotTrusted() async throws {
        let result = try await GoodDeployment.repository(certificates: ["certs/access.pem": "untrusted-san"]).scan()
        #expect(result.brief == ["CP012 lb/haproxy.cfg:9:23"])
        #expect(
            result.messages(.cp012).first?.hasSuffix(
                "does not chain to a device-trusted CA: it is self-signed and not among the trust anchors") == true)
        // The same certificate declared as a trust anchor is trusted.
        let manifest = GoodDeployment.manifest.replacing("[certs/ca.pem]", with: "[certs/ca.pem, certs/access.pem]")
        #expect(
            try await GoodDeployment.repository(manifest: manifest, certificates: ["certs/access.pem": "untrusted-san"])
                .scan().brief == [])
    }

    @Test func cp012NoAnchorsAtAll() async throws {
        let manifest = GoodDeployment.manifest.replacing("  trust-anchors: [certs/ca.pem]\n", with: "")
        let result = try await GoodDeployment.repository(manifest: manifest).scan()
        #expect(result.brief == ["CP012 lb/haproxy.cfg:9:23"])
    }

    @Test func cp013SecondaryPortWithAnotherCertificate() async throws {
        let manifest =
            GoodDeployment.manifest
            + "    cert-proxy:\n      secondary-port: 5263\n      secondary-certificate: certs/access.pem\n"
        let result = try await GoodDeployment.repository(manifest: manifest).scan()
        #expect(result.brief == ["CP002 certlint.yaml:11:23", "CP013 certlint.yaml:12:30"])
    }

    @Test(arguments: [
        (
            "expired", "CP020",
            "certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com]) expired on 2025-01-01"
        ),
        (
            "expiring", "CP021",
            "certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com]) expires on 2026-06-10, in 9 days (warning threshold 30 days)"
        ),
        (
            "weak-sha1", "CP022",
            "certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com]) is weak: SHA-1 signature"
        ),
    ])
    func certificateHealth(_ certificate: String, _ rule: String, _ message: String) async throws {
        let manifest = """
            version: 1
            settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
            deployments:
              - name: access
                vip: access.example.com
                nodes: [wsa1.example.com, wsa2.example.com]
                lb-mode: reencrypt
                public-certificate: certs/access.pem
                cert-proxy: {secondary-port: 5263}

            """
        let result = try await GoodDeployment.repository(
            manifest: manifest, haproxy: nil, certificates: ["certs/access.pem": certificate]
        ).scan()
        #expect(result.brief == ["\(rule) certs/access.pem:1:1"])
        #expect(result.messages(RuleID(rawValue: rule)) == [message])
    }

    @Test func cp023UnencryptedPrivateKeys() async throws {
        let result = try await GoodDeployment.repository(certificates: [
            "keys/access.key": "example-key", "keys/protected.key": "example-key-encrypted",
        ]).scan()
        #expect(result.brief == ["CP023 keys/access.key:1:1"])
        #expect(
            result.messages(.cp023) == [
                "keys/access.key holds an unencrypted private key (PRIVATE KEY); remove it from the repository, rotate the certificate it belongs to, and keep keys in a secret store"
            ])
    }

    @Test func cp030MissingCertificateAndBackend() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "/etc/haproxy/certs/access.pem", with: "/etc/haproxy/certs/gone.pem"
        )
        .replacing("default_backend cert_proxy_nodes", with: "default_backend cert_proxy_pool")
        // With its backend missing, only load-balancer: links the 5262 listener to the deployment.
        let manifest = GoodDeployment.manifest + "    load-balancer: [lb/haproxy.cfg]\n"
        let result = try await GoodDeployment.repository(manifest: manifest, haproxy: haproxy).scan()
        #expect(result.brief == ["CP030 lb/haproxy.cfg:9:23", "CP030 lb/haproxy.cfg:22:21"])
        #expect(
            result.messages(.cp030) == [
                "deployment access / public certificate: '/etc/haproxy/certs/gone.pem' is not in the repository (tried lb/etc/haproxy/certs/gone.pem, etc/haproxy/certs/gone.pem, any file named gone.pem); the checks that need it did not run",
                "deployment access / listener 5262 (frontend cert_proxy): backend 'cert_proxy_pool' is not defined in lb/haproxy.cfg; the checks that need it did not run",
            ])
    }

    @Test func cp031FactsMissing() async throws {
        let manifest = """
            version: 1
            deployments:
              - name: access
                vip: access.example.com
                nodes: [wsa1.example.dmz]

            """
        let result = try await FixtureRepository(files: ["certlint.yaml": manifest]).scan()
        #expect(result.brief == ["CP031 certlint.yaml:3:11", "CP031 certlint.yaml:3:11"])
        #expect(
            result.messages(.cp031) == [
                "deployment access: the 443 mode is unknown: no 443 listener of a load-balancer configuration joins the deployment and lb-mode is not set; add `lb-mode: reencrypt` or `lb-mode: passthrough` to the deployment in certlint.yaml, or list the LB configuration under `load-balancer:`",
                "deployment access: the public certificate is unknown: no 443 listener names one and public-certificate is not set; add `public-certificate: PATH` to the deployment in certlint.yaml",
            ])
    }

    @Test func openfireOn5262IsNotADeploymentListener() async throws {
        let haproxy =
            GoodDeployment.haproxy + """

                listen openfire_xmpp
                    mode http
                    bind :5262 ssl crt /etc/haproxy/certs/chat.pem
                    server chat1 chat1.example.org:5262

                """
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == [])
        #expect(
            result.topology.deployments.first?.listeners.map(\.listener.name) == [
                "frontend access_https", "frontend cert_proxy",
            ])
    }

    @Test func listenersJoinByManifestReferenceOrByCertificate() async throws {
        // Backends by IP address: only `load-balancer:` links the listeners.
        let byAddress = GoodDeployment.haproxy.replacingOccurrences(of: "wsa1.example.dmz", with: "10.0.0.11")
            .replacingOccurrences(of: "wsa2.example.dmz", with: "10.0.0.12")
        var result = try await GoodDeployment.repository(haproxy: byAddress).scan()
        // The 443 listener still joins: its certificate names the VIP. 5262 does not.
        #expect(
            result.topology.deployments.first?.listeners.map(\.joinedBy) == [
                "its certificate names the VIP access.example.com"
            ])
        let manifest = GoodDeployment.manifest + "    load-balancer: [lb/haproxy.cfg]\n"
        result = try await GoodDeployment.repository(manifest: manifest, haproxy: byAddress).scan()
        #expect(result.brief == [])
        #expect(result.topology.deployments.first?.listeners.map(\.role) == [.service, .certProxy])
    }

    @Test func settingsRulesChangeLevelsOrTurnRulesOff() async throws {
        let haproxy = GoodDeployment.haproxy.replacing("    http-request set-header RemotePort %[src_port]\n", with: "")
        let off = GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  rules: {CP008: off}\n")
        #expect(try await GoodDeployment.repository(manifest: off, haproxy: haproxy).scan().brief == [])
        let note = GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  rules: {CP008: note}\n")
        let result = try await GoodDeployment.repository(manifest: note, haproxy: haproxy).scan()
        #expect(result.findings.map(\.level) == [.note])
        #expect(result.exitCode == 0)
    }
}
