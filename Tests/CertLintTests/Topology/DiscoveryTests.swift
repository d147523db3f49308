import Testing

@testable import CertLint

/// Without any certlint.yaml, 443 and 5262 listeners to the same targets are a deployment.
@Suite struct DiscoveryTests {
    @Test func anHAProxyDeploymentIsInferredAndJudged() async throws {
        let haproxy = GoodDeployment.haproxy.replacingOccurrences(of: "example.dmz", with: "example.com")
        let repository = try FixtureRepository(
            files: ["lb/haproxy.cfg": haproxy], certificates: ["certs/access.pem": "single-host"])
        let result = try await repository.scan()
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.deployment.vip.value == "access.example.com")
        #expect(deployment.deployment.nodes.map(\.value) == ["wsa1.example.com", "wsa2.example.com"])
        #expect(deployment.namespace == .shared)
        // Row 2 (shared, Single Host CN, re-encryption) needs 5263; the certificate is not
        // trusted by the system bundle (it is a test CA's).
        #expect(result.findings.map(\.ruleID) == [.cp001, .cp012])
        #expect(result.findings.first?.location.description == "lb/haproxy.cfg:8:1")
    }

    @Test func awsTargetsByAddressGiveCP031WithASnippet() async throws {
        let terraform = AWSFixture.terraform(mode: .reencrypt, nodes: ["10.0.1.11", "10.0.1.12"])
            .replacing(
                "resource \"aws_lb_target_group\" \"cert_proxy\" {",
                with: """
                    resource "aws_lb_target_group_attachment" "cert_proxy" {
                      for_each         = toset(["10.0.1.11", "10.0.1.12"])
                      target_group_arn = aws_lb_target_group.cert_proxy.arn
                      target_id        = each.value
                    }

                    resource "aws_lb_target_group" "cert_proxy" {
                    """)
        let repository = try FixtureRepository(
            files: ["infra/main.tf": terraform], certificates: ["certs/public.pem": "san-disjoint"])
        let result = try await repository.scan()
        #expect(
            result.brief == [
                "CP031 \(location(of: "protocol          = \"HTTPS\"", in: terraform, path: "infra/main.tf"))"
            ])
        let message = try #require(result.messages(.cp031).first)
        #expect(
            message.hasPrefix(
                "these listeners look like a Workspace ONE Access deployment (443 and 5262 to the same targets), but certlint cannot tell the nodes' FQDNs"
            ))
        #expect(
            message.hasSuffix(
                """
                declare it in certlint.yaml:
                version: 1
                deployments:
                  - name: access
                    vip: access.example.com
                    nodes: [wsa1.example.dmz, wsa2.example.dmz]
                    load-balancer: [infra/main.tf]
                """))
    }

    @Test func aCertlintYAMLAnywhereTurnsDiscoveryOff() async throws {
        let haproxy = GoodDeployment.haproxy.replacingOccurrences(of: "example.dmz", with: "example.com")
        let repository = try FixtureRepository(
            files: ["lb/haproxy.cfg": haproxy, "docs/certlint.yaml": "version: 1\n"],
            certificates: ["certs/access.pem": "single-host"])
        let result = try await repository.scan()
        #expect(result.topology.deployments.isEmpty)
        #expect(result.findings.isEmpty)
    }
}
