import CertLintStaging
import Foundation
import NIOCore
import Testing
import X509

@testable import CertLint

extension Staging {
    @Suite struct ProxyTests {
        @Test func passthroughCarriesTheTLSSessionToTheNodeAndRecordsTheSNI() async throws {
            let harness = try await ProxyHarness()
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let exchange = try await TestClient.exchange(
                port: ports[5262]!, tls: true, sni: "access.example.com", payload: payload, expect: payload.count)
            // The client sees the node's certificate (the proxy never terminated) and gets every byte back.
            #expect(exchange.presented.first == harness.publicCertificate.certificate)
            #expect(exchange.received.count == payload.count)
            #expect(exchange.received == payload, "the bytes differ")
            await proxy.shutdown()
            let record = try #require(proxy.log.records.first)
            #expect(proxy.log.records.count == 1)
            #expect(record.sni == "access.example.com")
            #expect(record.mode == "passthrough")
            #expect(record.listenerPort == 5262)
            #expect(record.backend?.hasPrefix("wsa1.example.com:5262 at 127.0.0.1:") == true)
            #expect(
                record.backendCertificateSHA256 == CertificateInfo.sha256(of: harness.publicCertificate.certificate))
            #expect(record.bytesFromClient > payload.count && record.bytesToClient > payload.count)
            #expect(record.closeReason == .completed)
            // The node's own TLS stack saw the client's SNI.
            // (The first name is the proxy's own start-up probe of the node.)
            #expect(harness.servers["wsa1:5262"]!.requestedNames == ["wsa1.example.com", "access.example.com"])
            // The report file has one JSON object per connection.
            let lines = try String(
                contentsOfFile: harness.outside.appendingPathComponent("report.jsonl").path, encoding: .utf8
            ).split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines[0].contains("\"sni\":\"access.example.com\""))
        }

        @Test func roundRobinAndSourceHashPickNodesAsTheConfigurationSays() async throws {
            for (balance, expected) in [
                ("roundrobin", ["wsa1", "wsa2", "wsa1", "wsa2"]), ("source", ["wsa1", "wsa1", "wsa1", "wsa1"]),
            ] {
                var options = ProxyHarness.Options()
                options.proxyTLS = false
                options.balance = balance
                let harness = try await ProxyHarness(options)
                let (proxy, ports, _, _) = try await harness.start()
                for _ in 0..<4 {
                    _ = try await TestClient.exchange(
                        port: ports[5262]!, tls: false, payload: Array("ping-pong\n".utf8), expect: 10)
                }
                await proxy.shutdown()
                let nodes = proxy.log.records.sorted { $0.id < $1.id }.map { String($0.backend?.prefix(4) ?? "none") }
                if balance == "source" {
                    // One client address, one node (which one depends on the hash of 127.0.0.1).
                    #expect(Set(nodes).count == 1, "\(nodes)")
                } else {
                    #expect(nodes == expected)
                }
                await harness.stop()
            }
        }

        @Test func reencryptionPinsTheServiceCertificateAndInsertsTheHeaders() async throws {
            let harness = try await ProxyHarness()
            defer { Task { await harness.stop() } }
            let (proxy, ports, scan, probes) = try await harness.start()
            let response = try await TestClient.https(
                port: ports[443]!,
                request: "GET /SAAS/auth/login HTTP/1.1\r\nHost: access.example.com\r\nConnection: close\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(response.contains("GET /SAAS/auth/login HTTP/1.1"))
            #expect(response.contains("X-Forwarded-For: 127.0.0.1"))
            let remotePort = try #require(response.split(separator: "\r\n").first { $0.hasPrefix("RemotePort: ") })
            #expect(Int(remotePort.dropFirst("RemotePort: ".count)).map { $0 > 0 } == true)
            await proxy.shutdown()
            let record = try #require(proxy.log.records.first)
            #expect(record.mode == "reencrypt")
            #expect(record.requests == 1)
            #expect(record.verdict == "pinned service certificate certs/service.pem presented")
            #expect(
                record.backendCertificateSHA256 == CertificateInfo.sha256(of: harness.serviceCertificate.certificate))
            let report = await LiveRun.proxyReport(proxy, probes: probes, scan: scan)
            #expect(report.activeFindings.map(\.ruleID) == [], "\(report.activeFindings.map(\.message))")
            #expect(
                report.checks.contains {
                    $0.ruleID == .cp008 && $0.subject == "deployment access / proxy 443 to wsa1.example.com:443"
                })
        }

        @Test func reencryptionRefusesANodeWithAnotherCertificate() async throws {
            var options = ProxyHarness.Options()
            options.wsa1Presents = try TestPKI.selfSigned(["wsa1.example.com"])
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, scan, probes) = try await harness.start()
            let response = try await TestClient.https(
                port: ports[443]!, request: "GET / HTTP/1.1\r\nHost: access.example.com\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"), "\(response)")
            #expect(response.contains("certlint staging proxy: refused: CN=wsa1.example.com, DNS=[wsa1.example.com]"))
            await proxy.shutdown()
            let record = try #require(proxy.log.records.first)
            #expect(record.closeReason == .pinMismatch)
            let report = await LiveRun.proxyReport(proxy, probes: probes, scan: scan)
            let found = report.activeFindings.map {
                "\($0.ruleID) \($0.location.path):\($0.location.line) \($0.subject)"
            }.sorted()
            #expect(
                found == [
                    // The start-up probe: wsa1's 443 is not the service certificate the repository declares.
                    "CP014 certlint.yaml:10 deployment access / live wsa1.example.com:443",
                    // Forwarding: the proxy refused the connection, at the pool member's line.
                    "CP014 lb/haproxy.cfg:12 deployment access / proxy 443 to wsa1.example.com:443",
                ])
        }

        @Test func aConfigurationWithoutHeaderInsertionIsReportedFromTraffic() async throws {
            var options = ProxyHarness.Options()
            options.insertsHeaders = false
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, scan, probes) = try await harness.start()
            let response = try await TestClient.https(
                port: ports[443]!, request: "GET / HTTP/1.1\r\nHost: access.example.com\r\nConnection: close\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 200 OK"))
            #expect(!response.contains("X-Forwarded-For") && !response.contains("RemotePort"))
            await proxy.shutdown()
            let report = await LiveRun.proxyReport(proxy, probes: probes, scan: scan)
            let finding = try #require(report.activeFindings.first { $0.ruleID == .cp008 })
            #expect(
                finding.message
                    == "deployment access: the proxy forwarded 1 of 1 request on listener 443 (frontend access_https) to \(proxy.plan.listeners[0].backends[0].endpoint) without X-Forwarded-For and RemotePort, because the load-balancer configuration does not insert them"
            )
            #expect(finding.location.description == "lb/haproxy.cfg:6:5")
        }

        @Test func planFollowsTheConfiguration() async throws {
            let harness = try await ProxyHarness()
            defer { Task { await harness.stop() } }
            let scan = try await harness.repository.scan()
            let plan = try ProxyPlan.build(
                topology: scan.topology, stage: try StageFile.read(harness.stagePath), repositoryRoot: scan.root)
            #expect(
                plan.listeners.map {
                    "\($0.listener.port) \($0.mode.rawValue) \($0.balance.rawValue) \($0.backends.count)"
                } == ["443 reencrypt round-robin 2", "5262 passthrough round-robin 2"])
            #expect(plan.listeners[0].pinned?.path == "certs/service.pem")
            #expect(plan.listeners[0].insertsForwardedFor && plan.listeners[0].insertsRemotePort)
        }
    }
}

extension CertificateInfo {
    static func sha256(of certificate: Certificate) -> String? {
        guard let der = try? certificate.serializeAsPEM().derBytes else { return nil }
        return try? CertificateInfo(derEncoded: der, location: .file("x")).sha256
    }
}
