import Testing

@testable import CertLint

/// Each listener and certificate rule, once in AWS Terraform, once in CloudFormation and once in
/// F5 BIG-IP Terraform: a correct row-5 deployment (disjoint namespace, SAN certificate,
/// re-encryption) with one thing broken, and the finding on the line that is wrong.
struct PlatformRuleCase: CustomTestStringConvertible, Sendable {
    enum Platform: String, Sendable { case aws, cloudFormation, bigIP }
    let platform: Platform
    let rule: String
    /// Text replacements applied to the correct configuration.
    let edits: [(String, String)]
    /// The test certificate behind `certs/public.pem` (default san-disjoint).
    let certificate: String
    /// A line of the broken configuration where the finding must point (nil: the certificate file).
    let marker: String?

    var testDescription: String { "\(rule) in \(platform.rawValue)" }

    init(
        _ platform: Platform, _ rule: String, _ edits: [(String, String)] = [], certificate: String = "san-disjoint",
        at marker: String?
    ) {
        self.platform = platform
        self.rule = rule
        self.edits = edits
        self.certificate = certificate
        self.marker = marker
    }

    static let nodes = ["wsa1.example.dmz", "wsa2.example.dmz"]

    var path: String {
        switch platform {
        case .aws: return "infra/main.tf"
        case .cloudFormation: return "cfn/access.yaml"
        case .bigIP: return "f5/main.tf"
        }
    }

    var configuration: String {
        var text: String
        switch platform {
        case .aws: text = AWSFixture.terraform(mode: .reencrypt, nodes: Self.nodes)
        case .cloudFormation: text = CloudFormationFixture.template(mode: .reencrypt)
        case .bigIP: text = BigIPFixture.terraform(mode: .reencrypt, nodes: Self.nodes)
        }
        for (old, new) in edits { text = text.replacing(old, with: new) }
        return text
    }

    var manifest: String {
        """
        version: 1
        settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
        deployments:
          - name: access
            vip: access.example.com
            nodes: [wsa1.example.dmz, wsa2.example.dmz]
            service-certificate: certs/node.pem
            load-balancer: [\(path.split(separator: "/")[0])]

        """
    }

    static let all: [PlatformRuleCase] = [
        // CP004: the cert proxy listener terminates TLS.
        PlatformRuleCase(
            .aws, "CP004",
            [
                (
                    "protocol          = \"TCP\"\n  default_action {\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.cert_proxy.arn",
                    "protocol          = \"TLS\"\n  default_action {\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.cert_proxy.arn"
                )
            ], at: "protocol          = \"TLS\""),
        PlatformRuleCase(.cloudFormation, "CP004", [("Default: TCP", "Default: TLS")], at: "!Ref CertProxyProtocol"),
        PlatformRuleCase(
            .bigIP, "CP004", [("profiles    = [\"/Common/fastL4\"]", "profiles    = [\"/Common/clientssl\"]")],
            at: "profiles    = [\"/Common/clientssl\"]"),
        // CP005: the cert proxy listener forwards to 443.
        PlatformRuleCase(
            .aws, "CP005",
            [
                (
                    "resource \"aws_lb_target_group\" \"cert_proxy\" {\n  port     = 5262",
                    "resource \"aws_lb_target_group\" \"cert_proxy\" {\n  port     = 443"
                )
            ], at: "  port     = 443\n  protocol = \"TCP\"\n}"),
        PlatformRuleCase(
            .cloudFormation, "CP005",
            [("      Port: 5262\n      Protocol: TCP", "      Port: 443\n      Protocol: TCP")],
            at: "LAST:Id: wsa1.example.dmz"),
        PlatformRuleCase(
            .bigIP, "CP005", [("\"wsa1.example.dmz:5262\"", "\"wsa1.example.dmz:443\"")],
            at: "resource \"bigip_ltm_pool_attachment\" \"cert_proxy\""),
        // CP006: 5263 published on the load balancer.
        PlatformRuleCase(
            .aws, "CP006",
            [
                (
                    "resource \"aws_lb_target_group\" \"cert_proxy\" {",
                    "resource \"aws_lb_listener\" \"secondary\" {\n  load_balancer_arn = aws_lb.cert_proxy.arn\n  port              = 5263\n  protocol          = \"TCP\"\n  default_action {\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.cert_proxy.arn\n  }\n}\n\nresource \"aws_lb_target_group\" \"cert_proxy\" {"
                )
            ],
            at:
                "  protocol          = \"TCP\"\n  default_action {\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.cert_proxy.arn\n  }\n}\n\nresource \"aws_lb_target_group\" \"cert_proxy\""
        ),
        PlatformRuleCase(
            .cloudFormation, "CP006",
            [
                (
                    "  CertProxyTargets:\n",
                    "  SecondaryListener:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref CertProxyLoadBalancer\n      Port: 5263\n      Protocol: TCP\n      DefaultActions:\n        - Type: forward\n          TargetGroupArn: !Ref CertProxyTargets\n  CertProxyTargets:\n"
                )
            ], at: "TCP\n      DefaultActions"),
        PlatformRuleCase(
            .bigIP, "CP006", [("  port        = 5262\n", "  port        = 5263\n")], at: "  port        = 5263"),
        // CP007: 443 terminated and forwarded without TLS.
        PlatformRuleCase(
            .aws, "CP007", [("protocol = \"HTTPS\"\n  health_check", "protocol = \"HTTP\"\n  health_check")],
            at: "resource \"aws_lb_target_group_attachment\" \"https\""),
        PlatformRuleCase(
            .cloudFormation, "CP007",
            [("      Protocol: HTTPS\n      HealthCheckPath", "      Protocol: HTTP\n      HealthCheckPath")],
            at: "Id: wsa1.example.dmz"),
        PlatformRuleCase(
            .bigIP, "CP007", [(", \"/Common/serverssl\"", "")], at: "resource \"bigip_ltm_pool_attachment\" \"access\""),
        // CP008: no X-Forwarded-For/RemotePort (an NLB TLS listener cannot insert them).
        PlatformRuleCase(
            .aws, "CP008",
            [
                ("load_balancer_type = \"application\"", "load_balancer_type = \"network\""),
                ("protocol          = \"HTTPS\"", "protocol          = \"TLS\""),
            ], at: "protocol          = \"TLS\""),
        PlatformRuleCase(
            .cloudFormation, "CP008",
            [
                ("      Type: application", "      Type: network"),
                ("      Protocol: HTTPS\n      Certificates", "      Protocol: TLS\n      Certificates"),
            ], at: "TLS\n      Certificates"),
        PlatformRuleCase(
            .bigIP, "CP008", [("HTTP::header insert RemotePort", "HTTP::header insert X-Note")],
            at: "resource \"bigip_ltm_virtual_server\" \"https\""),
        // CP010: the certificate does not name the VIP.
        PlatformRuleCase(
            .aws, "CP010", certificate: "other-host", at: "certificate_arn   = aws_acm_certificate.access.arn"),
        PlatformRuleCase(
            .cloudFormation, "CP010", [("DomainName: \"access.example.com\"", "DomainName: \"portal.example.org\"")],
            at: "!If [IsProd"),
        PlatformRuleCase(.bigIP, "CP010", certificate: "other-host", at: "cert = \"/Common/access.crt\""),
        // CP012: the 5262 certificate is not trusted (ACM certificates always are: no CloudFormation case).
        PlatformRuleCase(
            .aws, "CP012", certificate: "untrusted-san", at: "certificate_arn   = aws_acm_certificate.access.arn"),
        PlatformRuleCase(.bigIP, "CP012", certificate: "untrusted-san", at: "cert = \"/Common/access.crt\""),
        // CP020: an expired certificate in use (files only).
        PlatformRuleCase(.aws, "CP020", certificate: "expired", at: nil),
        PlatformRuleCase(.bigIP, "CP020", certificate: "expired", at: nil),
    ]
}

@Suite struct PlatformRuleTests {
    @Test(arguments: PlatformRuleCase.all)
    func ruleFiresOnTheWrongLine(_ ruleCase: PlatformRuleCase) async throws {
        let configuration = ruleCase.configuration
        let repository = try FixtureRepository(
            files: ["certlint.yaml": ruleCase.manifest, ruleCase.path: configuration],
            certificates: [
                "certs/ca.pem": "ca", "certs/public.pem": ruleCase.certificate, "certs/node.pem": "node-self-signed",
            ])
        let result = try await repository.scan()
        let expectedLocation: String
        if var marker = ruleCase.marker {
            // The marker's first non-blank character; "LAST:" picks its last occurrence.
            let last = marker.hasPrefix("LAST:")
            if last { marker.removeFirst(5) }
            let pieces = configuration.components(separatedBy: marker)
            let before = last ? pieces.dropLast().joined(separator: marker) : pieces[0]
            let firstLine = String(marker.split(separator: "\n", omittingEmptySubsequences: false)[0])
            let prefixLines = before.split(separator: "\n", omittingEmptySubsequences: false)
            let column = (prefixLines.last?.count ?? 0) + 1
            expectedLocation = "\(ruleCase.path):\(prefixLines.count):\(column + firstLine.prefix { $0 == " " }.count)"
        } else {
            expectedLocation = "certs/public.pem:1:1"
        }
        // The expired certificate is also what the matrix sees: it covers the VIP only (row 4 needs 5263).
        let extra: Set<String> = ruleCase.rule == "CP020" || ruleCase.rule == "CP010" ? ["CP001", "CP003"] : []
        let found = result.activeFindings.filter { !extra.contains($0.ruleID.rawValue) }
        #expect(found.map { "\($0.ruleID) \($0.location.description)" } == ["\(ruleCase.rule) \(expectedLocation)"])
    }
}
