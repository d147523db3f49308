import CertLintStaging
import Foundation
import NIOCore
import NIOPosix

@testable import CertLint

/// A repository whose HAProxy configuration re-encrypts 443 and passes 5262 through, loopback
/// servers playing its two nodes, and a stage file that maps them.
final class ProxyHarness: @unchecked Sendable {
    struct Options {
        var insertsHeaders = true
        var balance = "roundrobin"
        /// What wsa1 presents on 443 instead of the service certificate.
        var wsa1Presents: IssuedTestCertificate?
        var wsa1Proxy: LoopbackServer.Behaviour? = .echo
        var wsa2Proxy: LoopbackServer.Behaviour? = .echo
        /// The nodes' 5262 speak TLS (the cert proxy); plain TCP for tests of raw forwarding.
        var proxyTLS = true
        var limits =
            "{ handshake-timeout: 2, idle-timeout: 10, connect-timeout: 2, drain-timeout: 1, max-connections: 2000 }"
    }

    let pki: TestPKI
    let publicCertificate: IssuedTestCertificate
    let serviceCertificate: IssuedTestCertificate
    let repository: FixtureRepository
    let outside: URL
    var servers: [String: LoopbackServer] = [:]
    var stagePath: String { outside.appendingPathComponent("stage.yaml").path }

    static func haproxy(_ options: Options) -> String {
        """
        defaults
            mode http
            timeout connect 5s

        frontend access_https
            bind :443 ssl crt /etc/haproxy/certs/access.pem
        \(options.insertsHeaders ? "    option forwardfor\n    http-request set-header RemotePort %[src_port]\n" : "")    default_backend access_nodes

        backend access_nodes
            server wsa1 wsa1.example.com:443 ssl verify required ca-file /etc/haproxy/node.pem
            server wsa2 wsa2.example.com:443 ssl verify required ca-file /etc/haproxy/node.pem

        frontend cert_proxy
            mode tcp
            bind :5262
            default_backend cert_proxy_nodes

        backend cert_proxy_nodes
            mode tcp
            balance \(options.balance)
            server wsa1 wsa1.example.com:5262
            server wsa2 wsa2.example.com:5262

        """
    }

    init(_ options: Options = Options()) async throws {
        pki = try TestPKI()
        publicCertificate = try pki.issue(["*.example.com"])
        serviceCertificate = try TestPKI.selfSigned(["wsa.example.com", "wsa1.example.com", "wsa2.example.com"])
        repository = try FixtureRepository(files: [
            "certlint.yaml": """
            version: 1
            settings:
              system-trust: false
              trust-anchors: [certs/ca.pem]
            deployments:
              - name: access
                vip: access.example.com
                nodes: [wsa1.example.com, wsa2.example.com]
                public-certificate: certs/public.pem
                service-certificate: certs/service.pem
                cert-proxy:
                  certificate: certs/public.pem
                  secondary-port: 5263
                load-balancer: [lb/haproxy.cfg]

            """,
            "lb/haproxy.cfg": Self.haproxy(options),
            "certs/ca.pem": pki.caPEM,
            "certs/public.pem": publicCertificate.chainPEM,
            "certs/service.pem": serviceCertificate.certificatePEM,
        ])
        outside = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        // What the staging LB terminates 443 with: kept outside the repository.
        let staging = try pki.issue(["access.example.com"])
        try staging.chainPEM.write(to: outside.appendingPathComponent("staging.pem"), atomically: true, encoding: .utf8)
        try staging.keyPEM.write(to: outside.appendingPathComponent("staging.key"), atomically: true, encoding: .utf8)

        servers["wsa1:443"] = try await LoopbackServer(
            tls: options.wsa1Presents ?? serviceCertificate, behaviour: .httpEcho)
        servers["wsa2:443"] = try await LoopbackServer(tls: serviceCertificate, behaviour: .httpEcho)
        var closedPorts: [String: Int] = [:]
        for (name, behaviour) in [("wsa1", options.wsa1Proxy), ("wsa2", options.wsa2Proxy)] {
            if let behaviour {
                servers["\(name):5262"] = try await LoopbackServer(
                    tls: options.proxyTLS ? publicCertificate : nil, behaviour: behaviour)
            } else {
                // A node that is down: a port nothing listens on.
                let gone = try await LoopbackServer(tls: nil, behaviour: .echo)
                closedPorts[name] = gone.port
                await gone.close()
            }
        }
        func ports(_ name: String) -> String {
            "{ 443: \(servers["\(name):443"]!.port), 5262: \(servers["\(name):5262"]?.port ?? closedPorts[name]!) }"
        }
        try """
        version: 1
        listen: { address: 127.0.0.1, ports: { 443: 0, 5262: 0 } }
        nodes:
          wsa1.example.com: { address: 127.0.0.1, ports: \(ports("wsa1")) }
          wsa2.example.com: { address: 127.0.0.1, ports: \(ports("wsa2")) }
        terminate: { certificate: staging.pem, key: staging.key }
        limits: \(options.limits)

        """.write(toFile: stagePath, atomically: true, encoding: .utf8)
    }

    /// Scans, plans and starts the proxy in this process.
    func start() async throws -> (proxy: StagingProxy, ports: [Int: Int], scan: ScanResult, probes: [LiveObservation]) {
        let scan = try await repository.scan(asOf: ScanOptions.today())
        let plan = try ProxyPlan.build(
            topology: scan.topology, stage: try StageFile.read(stagePath), repositoryRoot: scan.root)
        let group = MultiThreadedEventLoopGroup.singleton
        let probes = await LiveRun.probeBackends(plan, group: group, timeout: .seconds(2))
        var known: [LiveEndpoint: CertificateInfo] = [:]
        for probe in probes { known[probe.endpoint] = probe.leaf }
        let proxy = try StagingProxy(
            plan: plan, group: group, report: try OutputFile(outside.appendingPathComponent("report.jsonl").path),
            knownCertificates: known)
        let ports = try await proxy.start()
        return (proxy, ports, scan, probes)
    }

    func stop() async {
        for server in servers.values { await server.close() }
        try? FileManager.default.removeItem(at: outside)
    }
}
