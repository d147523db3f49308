import Testing

@testable import CertLint

/// The README's first command scans Examples/; what it reports is part of the documentation.
@Suite struct ExamplesTests {
    @Test func theExampleTreeReportsWhatTheREADMEShows() async throws {
        var options = ScanOptions()
        options.paths = [Fixtures.packageRoot.appendingPathComponent("Examples").path]
        options.asOf = Fixtures.asOf
        let result = try await Scanner.scan(options)
        #expect(
            result.brief == [
                "CP001 Examples/certlint.yaml:21:11",
                "CP023 Examples/certs/legacy/portal.key:1:1",
                "CP004 Examples/lb/dr/haproxy.cfg:22:5",
                "CP008 Examples/lb/prod/haproxy.cfg:13:1",
                "CP004 Examples/terraform/modules/access-lb/main.tf:53:3",
            ])
        #expect(
            result.topology.deployments.map { $0.listeners.map { "\($0.role.rawValue) \($0.listener.file)" } } == [
                ["443 Examples/lb/prod/haproxy.cfg", "cert proxy Examples/lb/prod/haproxy.cfg"],
                ["443 Examples/lb/dr/haproxy.cfg", "cert proxy Examples/lb/dr/haproxy.cfg"],
                [
                    "443 Examples/terraform/modules/access-lb/main.tf",
                    "cert proxy Examples/terraform/modules/access-lb/main.tf",
                ],
            ])
    }

    @Test func deploymentsSharingAVIPKeepTheirOwnListeners() async throws {
        // Without load-balancer: the nodes decide; the shared VIP certificate does not cross-link.
        let dr = GoodDeployment.haproxy.replacingOccurrences(of: "example.dmz", with: "example.com")
        let manifest =
            GoodDeployment.manifest + """
                  - name: access-dr
                    vip: access.example.com
                    nodes: [wsa1.example.com, wsa2.example.com]
                    service-certificate: certs/node.pem

                """
        let result = try await GoodDeployment.repository(manifest: manifest, extra: ["lb/dr/haproxy.cfg": dr]).scan()
        #expect(
            result.topology.deployments.map { Set($0.listeners.map(\.listener.file)) } == [
                ["lb/haproxy.cfg"], ["lb/dr/haproxy.cfg"],
            ])
    }
}
