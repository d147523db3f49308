import Foundation
import Testing

@testable import CertLint

enum CloudFormationFixture {
    static func template(
        mode: LoadBalancerMode, certProxyProtocol: String = "TCP",
        names: [String] = ["access.example.com", "wsa1.example.dmz", "wsa2.example.dmz"],
        nodes: [String] = ["wsa1.example.dmz", "wsa2.example.dmz"]
    ) -> String {
        let https = mode == .reencrypt
        let targets = nodes.map { "        - Id: \($0)" }.joined(separator: "\n")
        return """
            AWSTemplateFormatVersion: "2010-09-09"
            Description: Workspace ONE Access load balancers
            Parameters:
              CertProxyProtocol:
                Type: String
                Default: \(certProxyProtocol)
              Environment:
                Type: String
                Default: prod
            Conditions:
              IsProd: !Equals [!Ref Environment, prod]
            Resources:
              WebLoadBalancer:
                Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                Properties:
                  Type: \(https ? "application" : "network")
              CertProxyLoadBalancer:
                Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                Properties:
                  Type: network
              AccessCertificate:
                Type: AWS::CertificateManager::Certificate
                Properties:
                  DomainName: "\(names[0])"
                  SubjectAlternativeNames: [\(names.dropFirst().map { "\"\($0)\"" }.joined(separator: ", "))]
              HttpsListener:
                Type: AWS::ElasticLoadBalancingV2::Listener
                Properties:
                  LoadBalancerArn: !Ref WebLoadBalancer
                  Port: 443
                  Protocol: \(https ? "HTTPS" : "TCP")
                  Certificates:
                    - CertificateArn: !If [IsProd, !Ref AccessCertificate, !Ref AccessCertificate]
                  DefaultActions:
                    - Type: forward
                      TargetGroupArn: !Ref HttpsTargets
              HttpsTargets:
                Type: AWS::ElasticLoadBalancingV2::TargetGroup
                Properties:
                  Port: 443
                  Protocol: \(https ? "HTTPS" : "TCP")
                  HealthCheckPath: /SAAS/API/1.0/REST/system/health/heartbeat
                  Targets:
            \(targets)
              CertProxyListener:
                Type: AWS::ElasticLoadBalancingV2::Listener
                Properties:
                  LoadBalancerArn: !GetAtt CertProxyLoadBalancer.LoadBalancerArn
                  Port: 5262
                  Protocol: !Ref CertProxyProtocol
                  DefaultActions:
                    - Type: forward
                      ForwardConfig:
                        TargetGroups:
                          - TargetGroupArn: !Ref CertProxyTargets
              CertProxyTargets:
                Type: AWS::ElasticLoadBalancingV2::TargetGroup
                Properties:
                  Port: 5262
                  Protocol: TCP
                  Targets:
            \(targets)

            """
    }
}

@Suite struct CloudFormationTests {
    /// The ACM names that stand for each test certificate.
    static let acmNames: [String: [String]] = [
        "wildcard": ["*.example.com", "example.com"], "single-host": ["access.example.com"],
        "san-shared": ["access.example.com", "wsa1.example.com", "wsa2.example.com"],
        "san-disjoint": ["access.example.com", "wsa1.example.dmz", "wsa2.example.dmz"],
    ]

    @Test(arguments: MatrixCase.all)
    func matrixRowsFromCloudFormation(_ matrixCase: MatrixCase) async throws {
        let template = CloudFormationFixture.template(
            mode: matrixCase.mode, names: Self.acmNames[matrixCase.certificate]!, nodes: matrixCase.nodes)
        let repository = try FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "cfn/access.yaml": template],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        #expect(result.topology.deployments.first?.mode?.mode == matrixCase.mode)
    }

    let manifest = """
        version: 1
        settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
        deployments:
          - name: access
            vip: access.example.com
            nodes: [wsa1.example.dmz, wsa2.example.dmz]
            service-certificate: certs/san.pem

        """

    func scan(_ template: String, name: String = "cfn/access.yaml", manifest: String? = nil) async throws -> ScanResult
    {
        try await FixtureRepository(
            files: ["certlint.yaml": manifest ?? self.manifest, name: template],
            certificates: ["certs/ca.pem": "ca", "certs/san.pem": "san-disjoint"]
        ).scan()
    }

    @Test func row5ReEncryptionWithAnACMSANCertificateIsClean() async throws {
        let result = try await scan(CloudFormationFixture.template(mode: .reencrypt))
        #expect(result.brief == [])
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.mode?.mode == .reencrypt)
        #expect(deployment.classification?.type == .san)
        #expect(deployment.listeners.map(\.listener.name) == ["CertProxyListener", "HttpsListener"])
    }

    @Test func row6PassthroughIsClean() async throws {
        let result = try await scan(CloudFormationFixture.template(mode: .passthrough))
        #expect(result.brief == [])
        #expect(result.topology.deployments.first?.mode?.mode == .passthrough)
    }

    @Test func row4SingleHostACMCertificateNeeds5263() async throws {
        let result = try await scan(CloudFormationFixture.template(mode: .reencrypt, names: ["access.example.com"]))
        #expect(result.brief == ["CP001 certlint.yaml:4:11"])
    }

    @Test func unsupportedPassthroughWithAWildcardIsCP003() async throws {
        let manifest = self.manifest.replacing(
            "service-certificate: certs/san.pem", with: "service-certificate: certs/wildcard.pem")
        let repository = try FixtureRepository(
            files: ["certlint.yaml": manifest, "cfn/access.yaml": CloudFormationFixture.template(mode: .passthrough)],
            certificates: ["certs/ca.pem": "ca", "certs/wildcard.pem": "wildcard"])
        #expect(try await repository.scan().brief == ["CP003 certlint.yaml:4:11"])
    }

    @Test func cp004PointsAtTheProtocolOfTheCertProxyListener() async throws {
        let template = CloudFormationFixture.template(mode: .reencrypt, certProxyProtocol: "TLS")
        let result = try await scan(template)
        // The value of `Protocol:` (line 51), where the !Ref starts.
        #expect(
            location(of: "Protocol: !Ref CertProxyProtocol", in: template, path: "cfn/access.yaml")
                == "cfn/access.yaml:51:7")
        #expect(result.brief == ["CP004 cfn/access.yaml:51:17"])
    }

    @Test func aParameterWithoutDefaultIsUnknownNotAGuess() async throws {
        let template = CloudFormationFixture.template(mode: .reencrypt).replacing("    Default: TCP\n", with: "")
        let result = try await scan(template)
        #expect(result.findings.map(\.ruleID) == [.cp031])
        #expect(
            result.messages(.cp031).first?.contains(
                "Protocol (parameter CertProxyProtocol has no Default and its value is given at deploy time)") == true)
    }

    @Test func jsonTemplatesAndLongFormFunctions() async throws {
        let json = """
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "Nlb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Type": "network"}},
                "CertProxy": {
                  "Type": "AWS::ElasticLoadBalancingV2::Listener",
                  "Properties": {
                    "LoadBalancerArn": {"Ref": "Nlb"},
                    "Port": 5262,
                    "Protocol": {"Fn::Join": ["", ["T", "LS"]]},
                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Targets"}}]
                  }
                },
                "Targets": {
                  "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                  "Properties": {"Port": 5262, "Protocol": "TCP", "Targets": [{"Id": "wsa1.example.dmz"}]}
                }
              }
            }
            """
        let manifest = self.manifest + "    lb-mode: reencrypt\n    public-certificate: certs/san.pem\n"
        let result = try await scan(json, name: "cfn/cert-proxy.json", manifest: manifest)
        #expect(result.brief == ["CP004 cfn/cert-proxy.json:10:21"])
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(
                atPath: Fixtures.shared.appendingPathComponent("corpus/cloudformation").path)))
    func corpusTemplatesYieldListeners() throws {
        let file = Fixtures.shared.appendingPathComponent(
            "corpus/cloudformation/aws-cloudformation-templates/ElasticLoadBalancing/NetworkLoadBalancerWithEIPs.yaml")
        let bytes = try [UInt8](Data(contentsOf: file))
        let scanned = ScannedFile(path: "nlb.yaml", bytes: bytes)
        #expect(CloudFormationExtractor().claims(scanned))
        let listeners = try CloudFormationExtractor().extract(scanned).listeners
        #expect(!listeners.isEmpty)
        #expect(listeners.allSatisfy { $0.layer == .l4 })
    }
}
