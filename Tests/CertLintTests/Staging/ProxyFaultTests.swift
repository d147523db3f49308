import CertLintStaging
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import CertLint

extension Staging {
    /// The proxy under faults: nodes down or resetting, clients half-closing, stalling, flooding or
    /// speaking plain text. Each test ends with the proxy still serving.
    @Suite struct ProxyFaultTests {
        static let line = Array("certlint-ping\n".utf8)

        /// One good exchange through the passthrough listener.
        static func stillServes(_ ports: [Int: Int]) async throws -> Bool {
            let exchange = try await TestClient.exchange(
                port: ports[5262]!, tls: false, payload: line, expect: line.count)
            return exchange.received == line
        }

        @Test func nodesDownAreReportedPerNodeAndTheClientIsClosed() async throws {
            var options = ProxyHarness.Options.plain
            options.wsa1Proxy = nil
            options.wsa2Proxy = nil
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, scan, probes) = try await harness.start()
            let exchange = try await TestClient.exchange(port: ports[5262]!, tls: false, payload: Self.line)
            #expect(exchange.closedByPeer && exchange.received.isEmpty)
            await proxy.shutdown()
            let record = try #require(proxy.log.records.first)
            #expect(record.closeReason == .backendUnreachable)
            #expect(record.detail?.contains("wsa1.example.com:5262 at 127.0.0.1:") == true)
            #expect(record.detail?.contains("refused the connection (connection refused)") == true)
            let report = await LiveRun.proxyReport(proxy, probes: probes, scan: scan)
            let found = report.activeFindings.map {
                "\($0.ruleID) \($0.location.path):\($0.location.line) \($0.subject)"
            }.sorted()
            #expect(
                found == [
                    "CP015 certlint.yaml:8 deployment access / live wsa1.example.com:5262",
                    "CP015 certlint.yaml:8 deployment access / live wsa2.example.com:5262",
                    "CP015 lb/haproxy.cfg:23 deployment access / proxy 5262 to wsa1.example.com:5262",
                    "CP015 lb/haproxy.cfg:24 deployment access / proxy 5262 to wsa2.example.com:5262",
                ])
            let message = try #require(
                report.activeFindings.first { $0.subject.hasSuffix("proxy 5262 to wsa1.example.com:5262") }?.message)
            #expect(
                message.hasPrefix(
                    "deployment access: 1 connection on listener 5262 (frontend cert_proxy) could not reach wsa1.example.com:5262 at 127.0.0.1:"
                ))
            #expect(message.hasSuffix(": refused the connection (connection refused) (1×)"))
        }

        @Test func aNodeDownFailsOverToTheNext() async throws {
            var options = ProxyHarness.Options.plain
            options.wsa1Proxy = nil
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            for _ in 0..<4 { #expect(try await Self.stillServes(ports)) }
            await proxy.shutdown()
            #expect(proxy.log.records.allSatisfy { $0.backend?.hasPrefix("wsa2.example.com:5262") == true })
            let wsa1 = try #require(proxy.log.forwarding.first { $0.backend.host == "wsa1.example.com" })
            #expect(wsa1.connections == 0)
            #expect(wsa1.failures.values.reduce(0, +) == 2)  // round robin chose it for every other connection
        }

        @Test func aNodeResettingMidStreamClosesOnlyThatConnection() async throws {
            var options = ProxyHarness.Options.plain
            options.wsa1Proxy = .resetAfter(count: 100_000)
            options.wsa2Proxy = .resetAfter(count: 100_000)
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            let exchange = try await TestClient.exchange(
                port: ports[5262]!, tls: false, payload: Self.line, expect: 1_000_000)
            #expect(exchange.closedByPeer)
            #expect(exchange.received.count <= 100_000)
            // The 443 listener is unaffected.
            let response = try await TestClient.https(
                port: ports[443]!, request: "GET / HTTP/1.1\r\nHost: access.example.com\r\n\r\n")
            #expect(response.hasPrefix("HTTP/1.1 200 OK"))
            await proxy.shutdown()
            let reset = try #require(proxy.log.records.first { $0.listenerPort == 5262 })
            #expect(reset.closeReason == .backendReset)
            #expect(reset.detail?.contains("Connection reset by peer") == true, "\(reset.detail ?? "")")
        }

        @Test func aClientHalfCloseIsPassedOnAndTheAnswerStillArrives() async throws {
            let harness = try await ProxyHarness(.plain)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            let payload = [UInt8](repeating: 0x5a, count: 300_000)
            let exchange = try await TestClient.exchange(
                port: ports[5262]!, tls: false, payload: payload, halfClose: true)
            // The client stopped sending; the node echoed everything and then finished too.
            #expect(exchange.received.count == payload.count)
            #expect(exchange.closedByPeer)
            await proxy.shutdown()
            #expect(proxy.log.records.first?.closeReason == .completed)
            #expect(proxy.log.records.first?.bytesToClient == payload.count)
        }

        @Test func aThousandConcurrentConnections() async throws {
            let harness = try await ProxyHarness(.plain)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            let port = ports[5262]!
            let payload = Array(String(repeating: "0123456789abcdef", count: 64).utf8)
            let served = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<1_000 {
                    group.addTask {
                        try await TestClient.exchange(
                            port: port, tls: false, payload: payload, expect: payload.count, timeout: .seconds(30)
                        ).received == payload
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(served == 1_000)
            #expect(try await Self.stillServes(ports))
            await proxy.shutdown()
            #expect(proxy.log.records.count == 1_001)
            #expect(proxy.log.activeCount == 0)
        }

        @Test func aSlowlorisClientIsHeldOnlyUntilTheHandshakeTimeout() async throws {
            let harness = try await ProxyHarness(.plain)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            // Three bytes of a TLS record header, then nothing: on the passthrough and the terminating port.
            for port in [ports[5262]!, ports[443]!] {
                let exchange = try await TestClient.exchange(
                    port: port, tls: false, payload: [0x16, 0x03, 0x01], timeout: .seconds(15))
                #expect(exchange.closedByPeer, "the proxy must close the stalled client (handshake-timeout 2 s)")
            }
            #expect(try await Self.stillServes(ports))
            await proxy.shutdown()
            let reasons = proxy.log.records.sorted { $0.id < $1.id }.map(\.closeReason)
            #expect(reasons == [.handshakeTimeout, .handshakeTimeout, .completed])
        }

        @Test func plainTextOnTheTerminatingPortIsRefused() async throws {
            let harness = try await ProxyHarness(.plain)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            let exchange = try await TestClient.exchange(
                port: ports[443]!, tls: false, payload: Array("GET / HTTP/1.1\r\nHost: access.example.com\r\n\r\n".utf8)
            )
            #expect(exchange.closedByPeer)
            #expect(try await Self.stillServes(ports))
            await proxy.shutdown()
            let record = try #require(proxy.log.records.first { $0.listenerPort == 443 })
            #expect(record.closeReason == .clientNotTLS)
            #expect(record.backend == nil)
        }

        @Test func aHungNodeStallsOnlyItsOwnConnection() async throws {
            var options = ProxyHarness.Options.plain
            options.wsa1Proxy = .blackhole  // accepts and never reads
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            // Round robin: the first client goes to the hung wsa1 and pushes 32 MB it will never take.
            let bulk = [UInt8](repeating: 0x42, count: 32 << 20)
            async let stuck = TestClient.exchange(port: ports[5262]!, tls: false, payload: bulk, timeout: .seconds(3))
            try await Task.sleep(for: .milliseconds(300))
            // The next one goes to wsa2 and is served meanwhile.
            #expect(try await Self.stillServes(ports))
            let stalled = try await stuck
            #expect(!stalled.closedByPeer && stalled.received.isEmpty)
            await proxy.shutdown()
            let records = proxy.log.records.sorted { $0.id < $1.id }
            #expect(records.map { String($0.backend?.prefix(4) ?? "") } == ["wsa1", "wsa2"])
            // Backpressure: the proxy read far less than the client wrote.
            #expect(records[0].bytesFromClient < bulk.count / 2, "\(records[0].bytesFromClient) bytes read")
        }

        @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
            var options = ProxyHarness.Options.plain
            options.limits = "{ idle-timeout: 1, drain-timeout: 1 }"
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            let exchange = try await TestClient.exchange(
                port: ports[5262]!, tls: false, payload: Self.line, timeout: .seconds(10))
            #expect(exchange.received == Self.line && exchange.closedByPeer)
            await proxy.shutdown()
            #expect(proxy.log.records.first?.closeReason == .idleTimeout)
        }

        @Test func connectionsOverTheLimitAreClosedAtOnce() async throws {
            var options = ProxyHarness.Options.plain
            options.limits = "{ max-connections: 2, handshake-timeout: 5, drain-timeout: 1 }"
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let (proxy, ports, _, _) = try await harness.start()
            // Two clients that hold their connection open, then a third.
            let port = ports[5262]!
            async let first = TestClient.exchange(port: port, tls: false, payload: Self.line, timeout: .seconds(2))
            async let second = TestClient.exchange(port: port, tls: false, payload: Self.line, timeout: .seconds(2))
            try await Task.sleep(for: .milliseconds(300))
            let third = try await TestClient.exchange(port: port, tls: false, payload: Self.line, timeout: .seconds(5))
            #expect(third.closedByPeer && third.received.isEmpty)
            _ = try await (first, second)
            await proxy.shutdown()
            #expect(proxy.log.records.filter { $0.closeReason == .connectionLimit }.count == 1)
        }
    }
}

extension ProxyHarness.Options {
    /// Nodes whose 5262 is a plain TCP echo: raw forwarding is what these tests look at.
    static var plain: Self {
        var options = Self()
        options.proxyTLS = false
        return options
    }
}
