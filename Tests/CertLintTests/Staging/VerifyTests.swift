import CertLintStaging
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import CertLint

/// One matrix row set up as live TLS servers on loopback, correct or with one fault.
struct LiveRow: CustomTestStringConvertible, Sendable {
    enum Fault: String, Sendable {
        /// A node's 443 presents a fresh self-signed certificate, not the repository's.
        case serviceDrift
        /// A node's 5263 presents the public certificate.
        case secondaryPresentsPublic
        /// Under passthrough, a node's cert proxy presents another certificate than its 443.
        case proxyDiffersFrom443
        /// The VIP's 5262 presents the LB's own certificate: it terminates.
        case vipTerminates5262
        /// The VIP's 443 presents a certificate for another name.
        case vipUncovered
        /// The CA of every certificate is not a trust anchor.
        case untrustedCA
    }
    let row: Int
    let namespace: Namespace
    let certificate: String
    let mode: LoadBalancerMode
    let with5263: Bool
    let fault: Fault?
    /// The active live findings expected, sorted.
    let expected: [String]

    var testDescription: String {
        "row \(row), \(certificate), \(mode.rawValue)\(with5263 ? ", 5263" : "")\(fault.map { ", fault: \($0.rawValue)" } ?? ", correct")"
    }

    var domain: String { namespace == .shared ? "example.com" : "example.dmz" }
    var nodes: [String] { ["wsa1.\(domain)", "wsa2.\(domain)"] }
    var publicNames: [String] {
        switch certificate {
        case "wildcard": return ["*.example.com"]
        case "single-host": return ["access.example.com"]
        default: return ["access.example.com"] + nodes
        }
    }

    static let all: [LiveRow] = [
        LiveRow(
            row: 1, namespace: .shared, certificate: "wildcard", mode: .reencrypt, with5263: false, fault: nil,
            expected: []),
        LiveRow(
            row: 1, namespace: .shared, certificate: "wildcard", mode: .reencrypt, with5263: false,
            fault: .serviceDrift, expected: ["CP014"]),
        LiveRow(
            row: 2, namespace: .shared, certificate: "single-host", mode: .reencrypt, with5263: true, fault: nil,
            expected: []),
        LiveRow(
            row: 2, namespace: .shared, certificate: "single-host", mode: .reencrypt, with5263: true,
            fault: .secondaryPresentsPublic, expected: ["CP013", "CP014"]),
        LiveRow(
            row: 3, namespace: .shared, certificate: "san", mode: .passthrough, with5263: false, fault: nil,
            expected: []),
        LiveRow(
            row: 3, namespace: .shared, certificate: "san", mode: .passthrough, with5263: false,
            fault: .proxyDiffersFrom443, expected: ["CP011", "CP011", "CP014", "CP014"]),
        LiveRow(
            row: 4, namespace: .disjoint, certificate: "wildcard", mode: .reencrypt, with5263: true, fault: nil,
            expected: []),
        LiveRow(
            row: 4, namespace: .disjoint, certificate: "wildcard", mode: .reencrypt, with5263: true,
            fault: .vipTerminates5262, expected: ["CP004", "CP014"]),
        LiveRow(
            row: 5, namespace: .disjoint, certificate: "san", mode: .reencrypt, with5263: false, fault: nil,
            expected: []),
        LiveRow(
            row: 5, namespace: .disjoint, certificate: "san", mode: .reencrypt, with5263: false, fault: .vipUncovered,
            expected: ["CP010", "CP014"]),
        LiveRow(
            row: 6, namespace: .disjoint, certificate: "san", mode: .passthrough, with5263: false, fault: nil,
            expected: []),
        LiveRow(
            row: 6, namespace: .disjoint, certificate: "san", mode: .passthrough, with5263: false, fault: .untrustedCA,
            expected: ["CP012", "CP012"]),
    ]
}

/// A repository declaring one deployment, and loopback servers playing its VIP and first node.
final class LiveStage: @unchecked Sendable {
    let repository: FixtureRepository
    var servers: [LoopbackServer] = []
    var endpoints: [LiveEndpoint] = []
    let pki: TestPKI
    let publicCertificate: IssuedTestCertificate
    let serviceCertificate: IssuedTestCertificate

    init(_ row: LiveRow) async throws {
        pki = try TestPKI()
        publicCertificate = try pki.issue(row.publicNames)
        // Under passthrough the nodes present the public certificate on 443 themselves.
        serviceCertificate = row.mode == .passthrough ? publicCertificate : try TestPKI.selfSigned([row.nodes[0]])
        let anchors = row.fault == .untrustedCA ? "" : "\n  trust-anchors: [certs/ca.pem]"
        let secondary = row.with5263 ? "\n      secondary-port: 5263" : ""
        let publicLine = row.mode == .reencrypt ? "\n    public-certificate: certs/public.pem" : ""
        repository = try FixtureRepository(files: [
            "certlint.yaml": """
            version: 1
            settings:
              system-trust: false\(anchors)
            deployments:
              - name: access
                vip: access.example.com
                nodes: [\(row.nodes.joined(separator: ", "))]
                lb-mode: \(row.mode.rawValue)\(publicLine)
                service-certificate: certs/service.pem
                cert-proxy:
                  certificate: certs/public.pem\(secondary)

            """,
            "certs/ca.pem": pki.caPEM,
            "certs/public.pem": publicCertificate.chainPEM,
            "certs/service.pem": serviceCertificate.certificatePEM,
        ])
        let vip443 =
            row.fault == .vipUncovered
            ? try pki.issue(["portal.example.net"]) : (row.mode == .reencrypt ? publicCertificate : serviceCertificate)
        let node443 = row.fault == .serviceDrift ? try TestPKI.selfSigned([row.nodes[0]]) : serviceCertificate
        let node5262 = row.fault == .proxyDiffersFrom443 ? try pki.issue(row.publicNames) : publicCertificate
        // The VIP's 5262 passes through to a node's cert proxy, unless the LB terminates it.
        let vip5262 = row.fault == .vipTerminates5262 ? try pki.issue(["access.example.com"]) : node5262
        try await serve("access.example.com", 443, vip443)
        try await serve("access.example.com", 5262, vip5262)
        try await serve(row.nodes[0], 443, node443)
        try await serve(row.nodes[0], 5262, node5262)
        if row.with5263 {
            try await serve(
                row.nodes[0], 5263, row.fault == .secondaryPresentsPublic ? publicCertificate : serviceCertificate)
        }
    }

    func serve(
        _ host: String, _ port: Int, _ certificate: IssuedTestCertificate?, behaviour: LoopbackServer.Behaviour = .echo
    ) async throws {
        let server = try await LoopbackServer(tls: certificate, behaviour: behaviour)
        servers.append(server)
        endpoints.append(LiveEndpoint(host: host, port: port, address: "127.0.0.1", connectPort: server.port))
    }

    func verify(_ extra: [LiveEndpoint] = []) async throws -> ScanResult {
        let scan = try await repository.scan(asOf: ScanOptions.today())
        return try await LiveRun.verify(
            endpoints + extra, scan: scan, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(3))
    }

    func stop() async {
        for server in servers { await server.close() }
    }
}

extension Staging {
    @Suite struct VerifyTests {
        @Test(arguments: LiveRow.all)
        func matrixRowLive(_ row: LiveRow) async throws {
            let stage = try await LiveStage(row)
            defer { Task { await stage.stop() } }
            let result = try await stage.verify()
            #expect(
                result.activeFindings.map(\.ruleID.rawValue).sorted() == row.expected,
                "\(result.activeFindings.map(\.message))")
            // Every endpoint was checked for drift and reachability, passes included.
            #expect(result.checks.filter { $0.ruleID == .cp015 }.count == stage.endpoints.count)
            if row.fault == nil {
                #expect(result.exitCode == 0)
            } else {
                #expect(result.exitCode == 1)
            }
        }

        @Test func driftNamesBothCertificatesAndPointsAtTheDeclaration() async throws {
            let row = LiveRow.all[1]
            let stage = try await LiveStage(row)
            defer { Task { await stage.stop() } }
            let finding = try #require(try await stage.verify().activeFindings.first)
            #expect(finding.ruleID == .cp014)
            #expect(finding.location.path == "certlint.yaml")
            #expect(finding.location.line == 11)  // service-certificate: certs/service.pem
            #expect(finding.subject == "deployment access / live wsa1.example.com:443")
            #expect(finding.message.hasPrefix("deployment access: wsa1.example.com:443 at 127.0.0.1:"))
            #expect(finding.message.contains("presents CN=wsa1.example.com, DNS=[wsa1.example.com] (SHA-256 "))
            #expect(
                finding.message.contains(
                    "; the repository declares certs/service.pem (CN=wsa1.example.com, DNS=[wsa1.example.com], SHA-256 "
                ))
            #expect(finding.related.map(\.location.path) == ["certs/service.pem"])
        }

        @Test func refusedPlainTextAndVIP5263AreFindings() async throws {
            let row = LiveRow.all[0]
            let stage = try await LiveStage(row)
            defer { Task { await stage.stop() } }
            // A plain TCP service where TLS is expected, 5263 answering on the VIP, and a closed port.
            let closed = try await LoopbackServer(tls: nil, behaviour: .echo)
            let closedPort = closed.port
            await closed.close()
            try await stage.serve("wsa2.example.com", 443, nil, behaviour: .plainHTTP)
            try await stage.serve("access.example.com", 5263, stage.serviceCertificate)
            let result = try await stage.verify([
                LiveEndpoint(host: "wsa2.example.com", port: 5262, address: "127.0.0.1", connectPort: closedPort)
            ])
            let found = result.activeFindings.map { "\($0.ruleID) \($0.subject)" }.sorted()
            #expect(
                found == [
                    "CP006 deployment access / live access.example.com:5263",
                    "CP015 deployment access / live wsa2.example.com:443",
                    "CP015 deployment access / live wsa2.example.com:5262",
                ])
            let messages = result.activeFindings.filter { $0.ruleID == .cp015 }.map(\.message).sorted()
            #expect(
                messages[0]
                    == "deployment access: wsa2.example.com:443 at 127.0.0.1:\(stage.endpoints[4].connectPort) did not answer with TLS (the answer is not a TLS record); the live checks of this port did not run"
            )
            #expect(
                messages[1]
                    == "deployment access: wsa2.example.com:5262 at 127.0.0.1:\(closedPort) refused the connection (connection refused); the live checks of this port did not run"
            )
            // A node's finding lands on the node's entry in certlint.yaml.
            #expect(result.activeFindings.first { $0.subject.hasSuffix("wsa2.example.com:443") }?.location.line == 8)
        }

        @Test func aHungServiceIsATimeout() async throws {
            let stage = try await LiveStage(LiveRow.all[0])
            defer { Task { await stage.stop() } }
            try await stage.serve("wsa2.example.com", 443, nil, behaviour: .blackhole)
            let scan = try await stage.repository.scan(asOf: ScanOptions.today())
            let result = try await LiveRun.verify(
                [stage.endpoints.last!], scan: scan, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(1))
            #expect(
                result.activeFindings.map(\.message) == [
                    "deployment access: \(stage.endpoints.last!) did not answer within 1 s (TLS handshake); the live checks of this port did not run"
                ])
        }

        @Test func expiredPresentedCertificateIsCP020() async throws {
            let stage = try await LiveStage(LiveRow.all[0])
            defer { Task { await stage.stop() } }
            let expired = try stage.pki.issue(["wsa2.example.com"], validDays: -1)
            try await stage.serve("wsa2.example.com", 443, expired)
            let result = try await stage.verify()
            let ids = result.activeFindings.filter { $0.subject.hasSuffix("wsa2.example.com:443") }.map(\.ruleID)
                .sorted()
            #expect(ids == [.cp014, .cp020])
        }

        @Test func endpointsNamedOutsideTheRepositoryAreExit2() async throws {
            let stage = try await LiveStage(LiveRow.all[0])
            defer { Task { await stage.stop() } }
            let scan = try await stage.repository.scan()
            await #expect(
                throws: CertLintError.endpointHost(
                    "portal.example.net:443", known: ["access.example.com", "wsa1.example.com", "wsa2.example.com"])
            ) {
                _ = try await LiveRun.verify(
                    [LiveEndpoint(host: "portal.example.net", port: 443)], scan: scan,
                    group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(1))
            }
            await #expect(
                throws: CertLintError.endpointPort(
                    "access.example.com:8443", deployment: "access", ports: [443, 5262, 5263])
            ) {
                _ = try await LiveRun.verify(
                    [LiveEndpoint(host: "access.example.com", port: 8443)], scan: scan,
                    group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(1))
            }
        }

        @Test func endpointSyntax() throws {
            #expect(
                try LiveEndpoint.parse("access.example.com:443") == LiveEndpoint(host: "access.example.com", port: 443))
            #expect(
                try LiveEndpoint.parse("wsa1.example.dmz:5262@[::1]:15262")
                    == LiveEndpoint(host: "wsa1.example.dmz", port: 5262, address: "::1", connectPort: 15262))
            #expect(throws: CertLintError.invalidEndpoint("access.example.com")) {
                try LiveEndpoint.parse("access.example.com")
            }
            #expect(throws: CertLintError.invalidEndpoint("a:1@b")) { try LiveEndpoint.parse("a:1@b") }
            #expect(throws: CertLintError.invalidEndpoint("a:70000")) { try LiveEndpoint.parse("a:70000") }
        }
    }
}

extension Staging {
    @Suite struct LivePortRuleTests {
        @Test func secondaryPortIsComparedWithTheDeclaredServiceCertificateWhen443WasNotObserved() async throws {
            let stage = try await LiveStage(LiveRow.all[3])  // row 2, 5263 presents the public certificate
            defer { Task { await stage.stop() } }
            let scan = try await stage.repository.scan(asOf: ScanOptions.today())
            let only5263 = stage.endpoints.filter { $0.port == 5263 }
            let result = try await LiveRun.verify(
                only5263, scan: scan, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(3))
            let finding = try #require(result.activeFindings.first { $0.ruleID == .cp013 })
            #expect(
                finding.message.hasPrefix(
                    "deployment access: port 5263 must present the Access service's certificate certs/service.pem (CN=wsa1.example.com, DNS=[wsa1.example.com]); wsa1.example.com:5263 at 127.0.0.1:"
                ))
        }

        @Test func aVIPPresentingTheLoadBalancersCertificateOn5262IsCP004() async throws {
            let pki = try TestPKI()
            let lb = try pki.issue(["access.example.com"])
            let proxy = try pki.issue(["access.example.com", "wsa1.example.com", "wsa2.example.com"])
            let service = try TestPKI.selfSigned(["wsa1.example.com"])
            let repository = try FixtureRepository(files: [
                "certlint.yaml": """
                version: 1
                settings: { system-trust: false, trust-anchors: [certs/ca.pem] }
                deployments:
                  - name: access
                    vip: access.example.com
                    nodes: [wsa1.example.com, wsa2.example.com]
                    service-certificate: certs/service.pem
                    cert-proxy: { certificate: certs/proxy.pem }
                    load-balancer: [lb/haproxy.cfg]

                """,
                "lb/haproxy.cfg": ProxyHarness.haproxy(.init()).replacingOccurrences(
                    of: "crt /etc/haproxy/certs/access.pem", with: "crt ../certs/lb.pem"),
                "certs/ca.pem": pki.caPEM,
                "certs/lb.pem": lb.chainPEM,
                "certs/proxy.pem": proxy.chainPEM,
                "certs/service.pem": service.certificatePEM,
            ])
            let server = try await LoopbackServer(tls: lb, behaviour: .echo)
            defer { Task { await server.close() } }
            let scan = try await repository.scan(asOf: ScanOptions.today())
            let vip5262 = LiveEndpoint(
                host: "access.example.com", port: 5262, address: "127.0.0.1", connectPort: server.port)
            let result = try await LiveRun.verify(
                [vip5262], scan: scan, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(3))
            let finding = try #require(
                result.activeFindings.first { $0.ruleID == .cp004 }, "\(result.activeFindings.map(\.message))")
            #expect(
                finding.message
                    == "deployment access: \(vip5262) presents the load balancer's certificate certs/lb.pem instead of the cert proxy's certs/proxy.pem: the load balancer terminates TLS on the cert proxy port"
            )
            #expect(finding.location.description == "lb/haproxy.cfg:17:5")  // bind :5262
        }
    }
}
