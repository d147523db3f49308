import CertLintStaging
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CertLint

extension Staging {
    /// `certlint proxy` and `certlint verify` as users run them.
    @Suite struct StagingCommandLineTests {
        /// A running `certlint proxy` process and what it printed.
        final class RunningProxy: @unchecked Sendable {
            let process = Process()
            private let errors = NIOLockedValueBox("")
            let stdout = Pipe()

            init(_ arguments: [String]) throws {
                process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
                process.arguments = arguments
                var environment = ProcessInfo.processInfo.environment
                environment["NO_COLOR"] = "1"
                process.environment = environment
                let stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                let errors = self.errors
                stderr.fileHandleForReading.readabilityHandler = { handle in
                    let text = String(decoding: handle.availableData, as: UTF8.self)
                    errors.withLockedValue { $0 += text }
                }
                try process.run()
            }

            var standardError: String { errors.withLockedValue { $0 } }

            /// Waits for the banner; returns LB port → bound port.
            func waitUntilRunning() async throws -> [Int: Int] {
                for _ in 0..<600 where !standardError.contains("certlint proxy: running") && process.isRunning {
                    try await Task.sleep(for: .milliseconds(50))
                }
                var ports: [Int: Int] = [:]
                for line in standardError.split(separator: "\n") where line.hasPrefix("listening for ") {
                    let words = line.split(separator: " ")
                    if let port = Int(words[2]), let bound = words.last?.split(separator: ":").last.flatMap({ Int($0) })
                    {
                        ports[port] = bound
                    }
                }
                return ports
            }

            var openDescriptors: Int {
                (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count)
                    ?? -1
            }

            /// SIGTERM, then the exit status and standard output.
            func stop() async throws -> (status: Int32, output: String) {
                process.terminate()
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: output, as: UTF8.self))
            }
        }

        /// The proxy's open descriptors once the start-up probes' sockets, which close
        /// asynchronously, are gone: the count when it has not changed for a second.
        static func steadyDescriptorCount(_ proxy: RunningProxy) async throws -> Int {
            var baseline = proxy.openDescriptors
            var steady = 0
            while steady < 10 {
                try await Task.sleep(for: .milliseconds(100))
                let count = proxy.openDescriptors
                steady = count == baseline ? steady + 1 : 0
                baseline = count
            }
            return baseline
        }

        /// 200 clients, 5 stalled ones, plain text on the TLS port and a half-close at once;
        /// how many were served as they should be (211 when all were).
        static func faultsAndLoad(passthrough: Int, terminating: Int, line: [UInt8]) async throws -> Int {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        try await TestClient.exchange(
                            port: passthrough, tls: false, payload: line, expect: line.count, timeout: .seconds(30)
                        ).received == line
                    }
                }
                for _ in 0..<5 {
                    group.addTask {
                        try await TestClient.exchange(
                            port: passthrough, tls: false, payload: [0x16, 0x03], timeout: .seconds(30)
                        ).closedByPeer
                    }
                    group.addTask {
                        try await TestClient.exchange(
                            port: terminating, tls: false, payload: Array("GET / HTTP/1.1\r\n\r\n".utf8),
                            timeout: .seconds(30)
                        ).closedByPeer
                    }
                }
                group.addTask {
                    try await TestClient.exchange(
                        port: passthrough, tls: false, payload: line, halfClose: true, timeout: .seconds(30)
                    ).received == line
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }

        @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
        func proxyDrainsOnSIGTERMLeaksNoDescriptorsAndReportsLikeScan() async throws {
            var options = ProxyHarness.Options.plain
            options.wsa1Proxy = nil  // wsa1's cert proxy is down: connections fail over to wsa2
            options.limits = "{ handshake-timeout: 5, idle-timeout: 30, drain-timeout: 1 }"
            let harness = try await ProxyHarness(options)
            defer { Task { await harness.stop() } }
            let report = harness.outside.appendingPathComponent("connections.jsonl").path
            let sarif = harness.outside.appendingPathComponent("proxy.sarif").path
            let proxy = try RunningProxy([
                "proxy", harness.repository.path, "--stage", harness.stagePath, "--report", report, "--format", "json",
                "--sarif", sarif,
            ])
            let ports = try await proxy.waitUntilRunning()
            #expect(ports.keys.sorted() == [443, 5262], "\(proxy.standardError)")
            #expect(
                proxy.standardError.contains(
                    "deployment access: 2 listeners\n  443 (lb/haproxy.cfg:6:5 frontend access_https), Access service: reencrypt, round-robin over wsa1.example.com:443 at 127.0.0.1:"
                ))
            let baseline = try await Self.steadyDescriptorCount(proxy)

            // Faults and load at once: 200 clients, 5 stalled ones, plain text on the TLS port, a half-close.
            let line = Array("certlint-ping\n".utf8)
            let passthrough = ports[5262]!
            let terminating = ports[443]!
            let served = try await Self.faultsAndLoad(passthrough: passthrough, terminating: terminating, line: line)
            #expect(served == 211)

            // Every socket of those connections is closed again.
            var now = proxy.openDescriptors
            for _ in 0..<100 where now != baseline {
                try await Task.sleep(for: .milliseconds(50))
                now = proxy.openDescriptors
            }
            #expect(now == baseline, "descriptors: \(baseline) before, \(now) after")
            // And it still serves.
            #expect(
                try await TestClient.exchange(port: passthrough, tls: false, payload: line, expect: line.count).received
                    == line)

            let (status, output) = try await proxy.stop()
            #expect(status == 1, "\(proxy.standardError)")  // CP015: wsa1's 5262 is down
            #expect(proxy.standardError.contains("certlint proxy: stopping; draining"))
            let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
            let findings = (json?["findings"] as? [[String: Any]]) ?? []
            let subjects = findings.map { "\($0["ruleId"] ?? "") \($0["subject"] ?? "")" }.sorted()
            #expect(
                subjects == [
                    "CP015 deployment access / live wsa1.example.com:5262",
                    // The test's node speaks plain TCP on 5262, so the start-up probe finds no TLS there.
                    "CP015 deployment access / live wsa2.example.com:5262",
                    "CP015 deployment access / proxy 5262 to wsa1.example.com:5262",
                ], "\(output.prefix(2000))")
            let records = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
            #expect(records.count == 212)
            #expect(FileManager.default.fileExists(atPath: sarif))
        }

        @Test func proxyRefusesKeysFromTheRepositoryAndNonLoopbackWithoutTheFlag() async throws {
            let harness = try await ProxyHarness()
            defer { Task { await harness.stop() } }
            try harness.repository.write("secrets/staging.key", "not read")
            let stage = try String(contentsOfFile: harness.stagePath, encoding: .utf8)
                .replacingOccurrences(
                    of: "key: staging.key", with: "key: \(harness.repository.path)/secrets/staging.key")
            try stage.write(toFile: harness.stagePath, atomically: true, encoding: .utf8)
            let inside = try run(
                CommandLineTests.binary, ["proxy", harness.repository.path, "--stage", harness.stagePath])
            #expect(inside.status == 2)
            #expect(
                inside.error.contains(
                    "terminate.key: \(harness.repository.path)/secrets/staging.key is inside the scanned repository; certlint never reads keys from it."
                ), "\(inside.error)")
            let remote = try run(
                CommandLineTests.binary,
                ["proxy", harness.repository.path, "--stage", harness.stagePath, "--listen", "0.0.0.0"])
            #expect(remote.status == 2)
            #expect(
                remote.error
                    == "certlint: error: the listen address 0.0.0.0 is not loopback. Pass --allow-remote to expose the staging proxy on it.\n"
            )
        }

        @Test(
            .enabled(
                if: FileManager.default.fileExists(atPath: Fixtures.shared.appendingPathComponent("schemas").path),
                "../shared/schemas is not beside this checkout"))
        func verifyWritesReportsThatValidate() async throws {
            let stage = try await LiveStage(LiveRow.all[3])  // row 2 with 5263 presenting the public certificate
            defer { Task { await stage.stop() } }
            let sarif = stage.repository.root.appendingPathComponent("live.sarif").path
            let junit = stage.repository.root.appendingPathComponent("live.xml").path
            let arguments =
                ["verify", stage.repository.path, "--sarif", sarif, "--junit", junit]
                + stage.endpoints.flatMap { ["--endpoint", "\($0.host):\($0.port)@\($0.address):\($0.connectPort)"] }
            let result = try run(CommandLineTests.binary, arguments)
            #expect(result.status == 1)
            #expect(
                result.output.contains(
                    "error: deployment access: port 5263 must present the Access service's certificate; wsa1.example.com:5263 at 127.0.0.1:"
                ))
            #expect(result.output.contains("[CP013]"))
            let validation = try run(
                "/usr/bin/env",
                [
                    "python3", Fixtures.packageRoot.appendingPathComponent("Scripts/validate-reports.py").path,
                    Fixtures.shared.appendingPathComponent("schemas").path, "--sarif", sarif, "--junit", junit,
                ])
            #expect(validation.status == 0, "\(validation.output)\(validation.error)")
            let bad = try run(
                CommandLineTests.binary, ["verify", stage.repository.path, "--endpoint", "access.example.com"])
            #expect(bad.status == 2)
            #expect(bad.error.contains("--endpoint access.example.com: expected HOST:PORT or HOST:PORT@ADDRESS:PORT"))
            let none = try run(CommandLineTests.binary, ["verify", stage.repository.path])
            #expect(none.status == 2)
            #expect(none.error.contains("Name what to check: --endpoint HOST:PORT (repeatable) or --stage FILE."))
        }
    }
}
