import Testing

@testable import CertLint

enum BigIPFixture {
    static func terraform(
        mode: LoadBalancerMode, nodes: [String], certProxyProfiles: String = "[\"/Common/fastL4\"]",
        serverSSL: Bool = true, remotePortRule: Bool = true
    ) -> String {
        let https = mode == .reencrypt
        let profiles =
            https
            ? "[\"/Common/http\", bigip_ltm_profile_client_ssl.access.name\(serverSSL ? ", \"/Common/serverssl\"" : "")]"
            : "[\"/Common/fastL4\"]"
        return """
            resource "bigip_ssl_certificate" "access" {
              name      = "access.crt"
              content   = file("certs/public.pem")
              partition = "Common"
            }

            resource "bigip_ltm_profile_client_ssl" "access" {
              name = "/Common/access-clientssl"
              cert = "/Common/access.crt"
              key  = "/Common/access.key"
            }

            resource "bigip_ltm_profile_http" "access" {
              name                  = "/Common/access-http"
              insert_xforwarded_for = "enabled"
            }

            resource "bigip_ltm_irule" "remote_port" {
              name  = "/Common/remote_port"
              irule = <<-EOF
                when HTTP_REQUEST {
                  HTTP::header insert \(remotePortRule ? "RemotePort" : "X-Note") [TCP::client_port]
                }
                EOF
            }

            resource "bigip_ltm_pool" "access" {
              name = "/Common/access_443"
            }

            resource "bigip_ltm_pool_attachment" "access" {
              for_each = toset([\(nodes.map { "\"\($0):443\"" }.joined(separator: ", "))])
              pool     = bigip_ltm_pool.access.name
              node     = each.value
            }

            resource "bigip_ltm_virtual_server" "https" {
              name        = "/Common/access_https"
              destination = "203.0.113.10"
              port        = 443
              pool        = bigip_ltm_pool.access.name
              profiles    = \(https ? profiles.replacing("\"/Common/http\"", with: "bigip_ltm_profile_http.access.name") : profiles)
              irules      = [bigip_ltm_irule.remote_port.name]
            }

            resource "bigip_ltm_pool" "cert_proxy" {
              name = "/Common/access_5262"
            }

            resource "bigip_ltm_pool_attachment" "cert_proxy" {
              for_each = toset([\(nodes.map { "\"\($0):5262\"" }.joined(separator: ", "))])
              pool     = "/Common/access_5262"
              node     = each.value
            }

            resource "bigip_ltm_virtual_server" "cert_proxy" {
              name        = "/Common/access_cert_proxy"
              destination = "203.0.113.10"
              port        = 5262
              pool        = bigip_ltm_pool.cert_proxy.name
              profiles    = \(certProxyProfiles)
            }

            """
    }
}

@Suite struct BigIPTests {
    @Test(arguments: MatrixCase.all)
    func matrixRowsFromBigIPTerraform(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": matrixCase.manifest(declaring: false),
                "f5/main.tf": BigIPFixture.terraform(mode: matrixCase.mode, nodes: matrixCase.nodes),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.mode?.mode == matrixCase.mode)
        let roles: Set<DeploymentListener.Role> = Set(deployment.listeners.map(\.role))
        #expect(roles == [.service, .certProxy])
    }

    let nodes = ["wsa1.example.dmz", "wsa2.example.dmz"]
    func scan(_ terraform: String) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        return try await FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "f5/main.tf": terraform],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func cp004ClientSSLOnTheCertProxyVirtualServer() async throws {
        let terraform = BigIPFixture.terraform(
            mode: .reencrypt, nodes: nodes, certProxyProfiles: "[\"/Common/tcp\", \"/Common/clientssl\"]")
        let result = try await scan(terraform)
        #expect(
            result.brief == [
                "CP004 \(location(of: "profiles    = [\"/Common/tcp\", \"/Common/clientssl\"]", in: terraform, path: "f5/main.tf"))"
            ])
    }

    @Test func cp007WithoutAServerSSLProfile() async throws {
        let terraform = BigIPFixture.terraform(mode: .reencrypt, nodes: nodes, serverSSL: false)
        let result = try await scan(terraform)
        #expect(result.findings.map(\.ruleID) == [.cp007])
        #expect(
            result.brief == [
                "CP007 \(location(of: "resource \"bigip_ltm_pool_attachment\" \"access\"", in: terraform, path: "f5/main.tf"))"
            ])
    }

    @Test func cp008WithoutTheRemotePortIRule() async throws {
        let terraform = BigIPFixture.terraform(mode: .reencrypt, nodes: nodes, remotePortRule: false)
        let result = try await scan(terraform)
        #expect(
            result.brief == [
                "CP008 \(location(of: "resource \"bigip_ltm_virtual_server\" \"https\"", in: terraform, path: "f5/main.tf"))"
            ])
        #expect(result.messages(.cp008).first?.contains("does not insert RemotePort") == true)
    }
}

enum NSXTFixture {
    static func terraform(
        certProxyProfile: String = "nsxt_policy_lb_fast_tcp_application_profile.tcp.path", remotePort: Bool = true,
        serverSSL: Bool = true
    ) -> String {
        """
        resource "nsxt_policy_lb_http_application_profile" "http" {
          display_name    = "access-http"
          x_forwarded_for = "INSERT"
        }

        resource "nsxt_policy_lb_fast_tcp_application_profile" "tcp" {
          display_name = "access-tcp"
        }

        resource "nsxt_policy_certificate" "access" {
          display_name    = "access"
          certificate_pem = file("certs/public.pem")
        }

        resource "nsxt_policy_lb_pool" "access" {
          display_name = "access-443"
          member {
            display_name = "wsa1"
            ip_address   = "wsa1.example.dmz"
            port         = "443"
          }
          member {
            display_name = "wsa2"
            ip_address   = "wsa2.example.dmz"
            port         = "443"
          }
        }

        resource "nsxt_policy_lb_pool" "cert_proxy" {
          display_name = "access-5262"
          member {
            ip_address = "wsa1.example.dmz"
            port       = "5262"
          }
        }

        resource "nsxt_policy_lb_virtual_server" "https" {
          display_name             = "access-https"
          ports                    = ["443"]
          application_profile_path = nsxt_policy_lb_http_application_profile.http.path
          pool_path                = nsxt_policy_lb_pool.access.path
          client_ssl {
            default_certificate_path = nsxt_policy_certificate.access.path
            ssl_profile_path         = "/infra/lb-client-ssl-profiles/default-balanced-client-ssl-profile"
          }
        \(serverSSL ? "  server_ssl {\n    ssl_profile_path = \"/infra/lb-server-ssl-profiles/default-balanced-server-ssl-profile\"\n  }\n" : "")\(remotePort ? "  rule {\n    display_name = \"remote-port\"\n    action {\n      http_request_header_rewrite {\n        header_name  = \"Remoteport\"\n        header_value = \"$_remote_port\"\n      }\n    }\n  }\n" : "")}

        resource "nsxt_policy_lb_virtual_server" "cert_proxy" {
          display_name             = "access-cert-proxy"
          ports                    = ["5262"]
          application_profile_path = \(certProxyProfile)
          pool_path                = nsxt_policy_lb_pool.cert_proxy.path
        }

        """
    }
}

@Suite struct NSXTTests {
    func scan(_ terraform: String) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        return try await FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "nsx/main.tf": terraform],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func row5ReEncryptionWithRemoteportRewriteIsClean() async throws {
        let result = try await scan(NSXTFixture.terraform())
        #expect(result.brief == [])
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.mode?.mode == .reencrypt)
        #expect(deployment.classification?.type == .san)
    }

    @Test func cp004HTTPProfileOnTheCertProxy() async throws {
        let terraform = NSXTFixture.terraform(certProxyProfile: "nsxt_policy_lb_http_application_profile.http.path")
        let result = try await scan(terraform)
        let lines = terraform.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.lastIndex { $0.contains("application_profile_path = nsxt_policy_lb_http") }! + 1
        #expect(result.brief == ["CP004 nsx/main.tf:\(line):3"])
    }

    @Test func cp007AndCP008() async throws {
        var result = try await scan(NSXTFixture.terraform(serverSSL: false))
        #expect(result.findings.map(\.ruleID) == [.cp007])
        result = try await scan(NSXTFixture.terraform(remotePort: false))
        #expect(result.findings.map(\.ruleID) == [.cp008])
        #expect(result.messages(.cp008).first?.contains("does not insert RemotePort") == true)
    }
}
