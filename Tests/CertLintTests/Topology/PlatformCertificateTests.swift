import Foundation
import Testing

@testable import CertLint

/// A listener that names its certificate by a platform object (an ARN, an NSX-T path, an Avi or
/// Kubernetes object, a path on the LB host) whose certificate is not in the repository: with
/// `public-certificate` declared in certlint.yaml, the declaration stands in (a note says so) and
/// the matrix is judged; without one, the certificate is unknown (CP030).
@Suite struct PlatformCertificateTests {
    /// certlint.yaml of a matrix case with `public-certificate: certs/declared.pem` after `nodes:`.
    static func manifest(_ matrixCase: MatrixCase, declared: Bool) -> String {
        let nodes = "    nodes: [\(matrixCase.nodes.joined(separator: ", "))]\n"
        let text = matrixCase.manifest(declaring: false)
        return declared
            ? text.replacingOccurrences(of: nodes, with: nodes + "    public-certificate: certs/declared.pem\n") : text
    }

    static let reencryptCases = MatrixCase.all.filter { $0.mode == .reencrypt }

    @Test(arguments: reencryptCases)
    func haproxyPathOnTheLoadBalancerHost(_ matrixCase: MatrixCase) async throws {
        let haproxy = matrixCase.haproxy()
        let declared = try await FixtureRepository(
            files: ["certlint.yaml": Self.manifest(matrixCase, declared: true), "lb/haproxy.cfg": haproxy],
            certificates: ["certs/ca.pem": "ca", "certs/declared.pem": matrixCase.certificate]
        ).scan()
        #expect(declared.brief == matrixCase.expectedBrief(declaring: false, loadBalancerLine: true))
        let bind = location(of: "bind :443", in: haproxy, path: "lb/haproxy.cfg").split(separator: ":")[1]
        #expect(
            declared.notes.contains(
                ScanNote(
                    path: "lb/haproxy.cfg",
                    message:
                        "line \(bind): certificate '/etc/haproxy/certs/public.pem' of frontend access_https is not in the repository; public-certificate certs/declared.pem of deployment access (certlint.yaml) stands in for it"
                )))
        let deployment = try #require(declared.topology.deployments.first)
        #expect(deployment.publicCertificate?.path == "certs/declared.pem")
        #expect(deployment.mode?.fromLoadBalancer == true)

        let undeclared = try await FixtureRepository(
            files: ["certlint.yaml": Self.manifest(matrixCase, declared: false), "lb/haproxy.cfg": haproxy],
            certificates: ["certs/ca.pem": "ca", "certs/declared.pem": matrixCase.certificate]
        ).scan()
        #expect(undeclared.brief.filter { $0.hasPrefix("CP030") } == ["CP030 lb/haproxy.cfg:\(bind):23"])
        #expect(undeclared.topology.deployments.first?.classification == nil)
    }

    /// One format's files for matrix row 5 (disjoint namespace, SAN certificate, re-encryption:
    /// clean), with the 443 certificate named by a platform object the repository does not hold.
    struct FormatCase: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String: String]
        /// Where the undeclared reference is reported.
        let referencePath: String
        /// `load-balancer:` of the deployment, for formats whose listeners join by it.
        var loadBalancer: String?
        var testDescription: String { name }
    }

    static let disjoint = ["wsa1.example.dmz", "wsa2.example.dmz"]

    static let formats: [FormatCase] = [
        FormatCase(
            name: "AWS Terraform certificate ARN",
            files: [
                "infra/main.tf": AWSFixture.terraform(mode: .reencrypt, nodes: disjoint).replacingOccurrences(
                    of: "certificate_arn   = aws_acm_certificate.access.arn",
                    with: "certificate_arn   = \"arn:aws:acm:eu-west-1:123456789012:certificate/abc\"")
            ],
            referencePath: "infra/main.tf"),
        FormatCase(
            name: "NSX-T policy JSON certificate path",
            files: [
                "nsx/infra.json": PolicyFixture.text(
                    .nsxJSON, mode: .reencrypt, nodes: disjoint, certificate: "san-disjoint"
                ).split(separator: "\n")
                    .filter { !$0.contains("ChildTlsCertificate") }.joined(separator: "\n")
            ],
            referencePath: "nsx/infra.json"),
        FormatCase(
            name: "Avi configuration export without the SSL key and certificate object",
            files: [
                "avi/config.json": PolicyFixture.text(
                    .aviJSON, mode: .reencrypt, nodes: disjoint, certificate: "san-disjoint"
                ).split(separator: "\n")
                    .filter { !$0.contains("\"SSLKeyAndCertificate\"") }.joined(separator: "\n")
            ],
            referencePath: "avi/config.json"),
        FormatCase(
            name: "CloudFormation certificate ARN",
            files: [
                "cfn/access.yaml": CloudFormationFixture.template(mode: .reencrypt).replacingOccurrences(
                    of: "CertificateArn: !If [IsProd, !Ref AccessCertificate, !Ref AccessCertificate]",
                    with: "CertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc")
            ],
            referencePath: "cfn/access.yaml"),
        FormatCase(
            name: "NetScaler certificate file on the appliance",
            files: ["netscaler/ns.conf": NetScalerFixture.configuration(mode: .reencrypt, nodes: disjoint)],
            referencePath: "netscaler/ns.conf"),
        FormatCase(
            name: "NGINX path on the load-balancer host",
            files: ["nginx/nginx.conf": NGINXFixture.configuration(mode: .reencrypt, nodes: disjoint)],
            referencePath: "nginx/nginx.conf"),
        FormatCase(
            name: "Kubernetes Secret held by the cluster",
            files: [
                "k8s/access.yaml": KubernetesFixture.manifests(mode: .reencrypt, certificate: "san-disjoint")
                    .components(separatedBy: "---\n")
                    .filter { !$0.contains("kind: Secret") }.joined(separator: "---\n")
            ],
            referencePath: "k8s/access.yaml", loadBalancer: "k8s"),
    ]

    static func manifest(declared: Bool, loadBalancer: String?) -> String {
        """
        version: 1
        settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
        deployments:
          - name: access
            vip: access.example.com
            nodes: [wsa1.example.dmz, wsa2.example.dmz]
        \(declared ? "    public-certificate: certs/declared.pem\n" : "")\(loadBalancer.map { "    load-balancer: [\($0)]\n" } ?? "")
        """
    }

    @Test(arguments: formats)
    func declarationStandsInForThePlatformsCertificate(_ format: FormatCase) async throws {
        func scan(declared: Bool) async throws -> ScanResult {
            try await FixtureRepository(
                files: format.files.merging([
                    "certlint.yaml": Self.manifest(declared: declared, loadBalancer: format.loadBalancer)
                ]) { $1 },
                certificates: ["certs/ca.pem": "ca", "certs/declared.pem": "san-disjoint"]
            ).scan()
        }
        let declared = try await scan(declared: true)
        #expect(declared.brief == [])
        #expect(
            declared.notes.filter {
                $0.message.hasSuffix(
                    "public-certificate certs/declared.pem of deployment access (certlint.yaml) stands in for it")
            }.map(\.path) == [format.referencePath])
        let deployment = try #require(declared.topology.deployments.first)
        #expect(deployment.publicCertificate?.path == "certs/declared.pem")
        #expect(deployment.classification?.type == .san)

        let undeclared = try await scan(declared: false)
        #expect(undeclared.findings.map(\.ruleID) == [.cp030])
        #expect(undeclared.findings.first?.location.path == format.referencePath)
        #expect(undeclared.topology.deployments.first?.classification == nil)
        #expect(!undeclared.notes.contains { $0.message.contains("stands in for it") })
    }
}
