import Testing

@testable import CertLint

/// AWS load balancers written in Terraform get the same verdicts as the equivalent certlint.yaml,
/// with findings on the attribute that is wrong.
enum AWSFixture {
    /// An ALB re-encrypting 443 (or an NLB passing 443 through) and an NLB passing 5262 through.
    static func terraform(
        mode: LoadBalancerMode, nodes: [String], certProxyProtocol: String = "\"TCP\"",
        targetProtocol: String = "\"HTTPS\"", certificate: String = "file(\"certs/public.pem\")"
    ) -> String {
        let https = mode == .reencrypt
        return """
            resource "aws_lb" "web" {
              name               = "access-web"
              load_balancer_type = "\(https ? "application" : "network")"
            }

            resource "aws_lb" "cert_proxy" {
              name               = "access-cert-proxy"
              load_balancer_type = "network"
            }

            resource "aws_acm_certificate" "access" {
              certificate_body = \(certificate)
            }

            resource "aws_lb_listener" "https" {
              load_balancer_arn = aws_lb.web.arn
              port              = 443
              protocol          = "\(https ? "HTTPS" : "TCP")"
            \(https ? "  certificate_arn   = aws_acm_certificate.access.arn\n" : "")
              default_action {
                type             = "forward"
                target_group_arn = aws_lb_target_group.https.arn
              }
            }

            resource "aws_lb_target_group" "https" {
              port     = 443
              protocol = \(https ? targetProtocol : "\"TCP\"")
              health_check {
                path = "/SAAS/API/1.0/REST/system/health/heartbeat"
              }
            }

            resource "aws_lb_target_group_attachment" "https" {
              for_each         = toset([\(nodes.map { "\"\($0)\"" }.joined(separator: ", "))])
              target_group_arn = aws_lb_target_group.https.arn
              target_id        = each.value
            }

            resource "aws_lb_listener" "cert_proxy" {
              load_balancer_arn = aws_lb.cert_proxy.arn
              port              = 5262
              protocol          = \(certProxyProtocol)
              default_action {
                type             = "forward"
                target_group_arn = aws_lb_target_group.cert_proxy.arn
              }
            }

            resource "aws_lb_target_group" "cert_proxy" {
              port     = 5262
              protocol = "TCP"
            }

            """
    }
}

@Suite struct AWSTerraformTests {
    @Test(arguments: MatrixCase.all)
    func matrixRowsFromTerraform(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": matrixCase.manifest(loadBalancer: "infra"),
                "infra/main.tf": AWSFixture.terraform(mode: matrixCase.mode, nodes: matrixCase.nodes),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false, loadBalancerLine: true))
        let deployment = try #require(result.topology.deployments.first)
        #expect(
            deployment.mode
                == ModeDecision(mode: matrixCase.mode, location: deployment.mode!.location, fromLoadBalancer: true))
        #expect(deployment.listeners.map(\.role) == [.service, .certProxy])
    }

    let disjoint = ["wsa1.example.dmz", "wsa2.example.dmz"]
    let manifest = """
        version: 1
        settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
        deployments:
          - name: access
            vip: access.example.com
            nodes: [wsa1.example.dmz, wsa2.example.dmz]
            load-balancer: [infra]

        """

    func scan(_ terraform: String, files: [String: String] = [:]) async throws -> ScanResult {
        var all = files
        all["certlint.yaml"] = all["certlint.yaml"] ?? manifest
        all["infra/main.tf"] = terraform
        return try await FixtureRepository(
            files: all, certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func cp004OnTheProtocolLineOfATLSCertProxyListener() async throws {
        let terraform = AWSFixture.terraform(mode: .reencrypt, nodes: disjoint, certProxyProtocol: "\"TLS\"")
        let result = try await scan(terraform)
        #expect(
            result.brief == [
                "CP004 \(location(of: "protocol          = \"TLS\"", in: terraform, path: "infra/main.tf"))"
            ])
        #expect(
            result.messages(.cp004).first?.hasPrefix(
                "deployment access: the cert proxy listener aws_lb_listener.cert_proxy on port 5262 terminates TLS")
                == true)
    }

    @Test func cp007TargetGroupWithoutTLS() async throws {
        let terraform = AWSFixture.terraform(mode: .reencrypt, nodes: disjoint, targetProtocol: "\"HTTP\"")
        let result = try await scan(terraform)
        #expect(
            result.brief == [
                "CP007 \(location(of: "resource \"aws_lb_target_group_attachment\"", in: terraform, path: "infra/main.tf"))"
            ])
        #expect(
            result.messages(.cp007) == [
                "deployment access: aws_lb_listener.https terminates TLS on port 443 and forwards to aws_lb_target_group_attachment.https[wsa1.example.dmz] (wsa1.example.dmz), aws_lb_target_group_attachment.https[wsa2.example.dmz] (wsa2.example.dmz) without TLS; re-encrypt to the nodes (HAProxy: `ssl verify required ca-file …` on the server lines; AWS: target group protocol HTTPS or TLS)"
            ])
    }

    @Test func acmIssuedCertificatesAreJudgedByTheirNames() async throws {
        let terraform = AWSFixture.terraform(mode: .reencrypt, nodes: disjoint).replacing(
            "  certificate_body = file(\"certs/public.pem\")",
            with:
                "  domain_name               = \"access.example.com\"\n  subject_alternative_names = [\"wsa1.example.dmz\", \"wsa2.example.dmz\"]\n  validation_method         = \"DNS\""
        )
        let result = try await scan(terraform)
        #expect(result.brief == [])  // row 5: SAN, re-encryption, no 5263
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.classification?.type == .san)
        #expect(deployment.publicCertificate?.path == "aws_acm_certificate.access")
    }

    @Test func anUnknownProtocolIsCP031AndNeverAGuess() async throws {
        let terraform =
            "variable \"cert_proxy_protocol\" {\n  type = string\n}\n\n"
            + AWSFixture.terraform(mode: .reencrypt, nodes: disjoint, certProxyProtocol: "var.cert_proxy_protocol")
        let result = try await scan(terraform)
        #expect(
            result.brief == [
                "CP031 \(location(of: "protocol          = var.cert_proxy_protocol", in: terraform, path: "infra/main.tf"))"
            ])
        #expect(
            result.messages(.cp031) == [
                "deployment access: the aws_lb_listener.cert_proxy listener on port 5262 has facts certlint cannot evaluate: protocol (var.cert_proxy_protocol has no default and no value in a tfvars file or module call); give the values in a tfvars file, and the checks of port 5262 will run"
            ])
        // A tfvars value settles it.
        let settled = try await scan(terraform, files: ["infra/terraform.tfvars": "cert_proxy_protocol = \"TLS\"\n"])
        #expect(settled.brief.map { String($0.prefix(5)) } == ["CP004"])
    }

    @Test func modulesWithInputsLocalsAndDynamicBlocks() async throws {
        let module = """
            variable "protocol" {
              type    = string
              default = "TCP"
            }
            variable "nodes" { type = list(string) }

            locals {
              port = 5262
            }

            resource "aws_lb" "nlb" {
              load_balancer_type = "network"
            }

            resource "aws_lb_listener" "cert_proxy" {
              load_balancer_arn = aws_lb.nlb.arn
              port              = local.port
              protocol          = var.protocol
              dynamic "default_action" {
                for_each = [aws_lb_target_group.cert_proxy.arn]
                content {
                  type             = "forward"
                  target_group_arn = default_action.value
                }
              }
            }

            resource "aws_lb_target_group" "cert_proxy" {
              port     = local.port
              protocol = "TCP"
            }

            resource "aws_lb_target_group_attachment" "node" {
              count            = length(var.nodes)
              target_group_arn = aws_lb_target_group.cert_proxy.arn
              target_id        = var.nodes[count.index]
            }

            """
        let root = """
            variable "cert_proxy_protocol" {
              default = "TCP"
            }

            module "cert_proxy" {
              source   = "./modules/lb"
              protocol = var.cert_proxy_protocol
              nodes    = ["wsa1.example.dmz", "wsa2.example.dmz"]
            }

            """
        let manifest = self.manifest.replacing(
            "    load-balancer: [infra]\n", with: "    lb-mode: reencrypt\n    public-certificate: certs/public.pem\n")
        var result = try await scan(root, files: ["certlint.yaml": manifest, "infra/modules/lb/main.tf": module])
        #expect(result.brief == [])
        let listener = try #require(result.topology.deployments.first?.listeners.first?.listener)
        #expect(listener.name == "aws_lb_listener.cert_proxy")
        #expect(listener.members.map(\.host) == ["wsa1.example.dmz", "wsa2.example.dmz"])
        #expect(
            result.topology.deployments.first?.listeners.first?.joinedBy
                == "its backend server wsa1.example.dmz is a node of the deployment")

        result = try await scan(
            root,
            files: [
                "certlint.yaml": manifest, "infra/modules/lb/main.tf": module,
                "infra/prod.auto.tfvars": "cert_proxy_protocol = \"TLS\"\n",
            ])
        #expect(
            result.brief == [
                "CP004 \(location(of: "protocol          = var.protocol", in: module, path: "infra/modules/lb/main.tf"))"
            ])
    }
}

@Suite struct TerraformJSONTests {
    static let json = """
        {
          "//": "generated by the platform team's CDK for Terraform",
          "variable": {"cert_proxy_protocol": {"default": "TLS"}},
          "resource": {
            "aws_lb": {"nlb": {"load_balancer_type": "network"}},
            "aws_lb_listener": {
              "cert_proxy": {
                "load_balancer_arn": "${aws_lb.nlb.arn}",
                "port": 5262,
                "protocol": "${var.cert_proxy_protocol}",
                "default_action": [{"type": "forward", "target_group_arn": "${aws_lb_target_group.cert_proxy.arn}"}]
              }
            },
            "aws_lb_target_group": {"cert_proxy": {"port": 5262, "protocol": "TCP"}},
            "aws_lb_target_group_attachment": {
              "wsa1": {"target_group_arn": "${aws_lb_target_group.cert_proxy.arn}", "target_id": "wsa1.example.dmz"}
            }
          }
        }
        """

    @Test func tfJSONReadsLikeHCL() async throws {
        let manifest = """
            version: 1
            settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
            deployments:
              - name: access
                vip: access.example.com
                nodes: [wsa1.example.dmz, wsa2.example.dmz]
                lb-mode: reencrypt
                public-certificate: certs/public.pem

            """
        let repository = try FixtureRepository(
            files: ["certlint.yaml": manifest, "infra/main.tf.json": Self.json],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"])
        var result = try await repository.scan()
        #expect(result.brief == ["CP004 infra/main.tf.json:10:9"])
        try repository.write("infra/terraform.tfvars.json", "{\"cert_proxy_protocol\": \"TCP\"}")
        result = try await repository.scan()
        #expect(result.brief == [])
    }

    @Test func brokenJSONIsCP900() async throws {
        let repository = try FixtureRepository(files: ["infra/main.tf.json": "{\"resource\": [\n"])
        let result = try await repository.scan()
        #expect(result.findings.map(\.ruleID) == [.cp900])
        #expect(result.findings.first?.location.path == "infra/main.tf.json")
    }
}
