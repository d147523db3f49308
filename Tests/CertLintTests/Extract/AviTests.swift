import Testing

@testable import CertLint

@Suite struct AviTests {
    static func terraform(certProxySSL: Bool = false, remotePort: Bool = true) -> String {
        """
        data "avi_applicationprofile" "https" {
          name = "System-Secure-HTTP"
        }

        data "avi_applicationprofile" "l4" {
          name = "System-L4-Application"
        }

        resource "avi_sslkeyandcertificate" "access" {
          name = "access"
          certificate {
            certificate = file("certs/public.pem")
          }
        }

        resource "avi_httppolicyset" "remote_port" {
          name = "remote-port"
          http_request_policy {
            rules {
              name = "insert"
              hdr_action {
                action = "HTTP_ADD_HDR"
                hdr {
                  name = "\(remotePort ? "RemotePort" : "X-Note")"
                }
              }
            }
          }
        }

        resource "avi_pool" "access" {
          name            = "access-443"
          ssl_profile_ref = "/api/sslprofile?name=System-Standard"
          servers {
            hostname = "wsa1.example.dmz"
            port     = 443
          }
          servers {
            hostname = "wsa2.example.dmz"
            port     = 443
          }
        }

        resource "avi_pool" "cert_proxy" {
          name                = "access-5262"
          default_server_port = 5262
          servers {
            hostname = "wsa1.example.dmz"
          }
        }

        resource "avi_virtualservice" "https" {
          name                         = "access-https"
          application_profile_ref      = data.avi_applicationprofile.https.id
          pool_ref                     = avi_pool.access.id
          ssl_key_and_certificate_refs = [avi_sslkeyandcertificate.access.id]
          services {
            port       = 443
            enable_ssl = true
          }
          http_policies {
            http_policy_set_ref = avi_httppolicyset.remote_port.id
            index               = 11
          }
        }

        resource "avi_virtualservice" "cert_proxy" {
          name                    = "access-cert-proxy"
          application_profile_ref = data.avi_applicationprofile.l4.id
          pool_ref                = avi_pool.cert_proxy.id
          services {
            port       = 5262
            enable_ssl = \(certProxySSL)
          }
        }

        """
    }

    func scan(_ terraform: String) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        return try await FixtureRepository(
            files: ["certlint.yaml": matrixCase.manifest(declaring: false), "avi/main.tf": terraform],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func row5IsClean() async throws {
        let result = try await scan(Self.terraform())
        #expect(result.brief == [])
        #expect(result.topology.deployments.first?.mode?.mode == .reencrypt)
        #expect(result.topology.deployments.first?.classification?.type == .san)
    }

    @Test func sslOnTheCertProxyServiceIsCP004() async throws {
        let terraform = Self.terraform(certProxySSL: true)
        let result = try await scan(terraform)
        #expect(result.findings.map(\.ruleID) == [.cp004])
        #expect(
            result.findings.first?.location.line == terraform.split(separator: "\n", omittingEmptySubsequences: false)
                .lastIndex { $0.contains("services {") }! + 1)
    }

    @Test func withoutTheRemotePortPolicyIsCP008() async throws {
        let result = try await scan(Self.terraform(remotePort: false))
        #expect(result.findings.map(\.ruleID) == [.cp008])
    }
}
