import Foundation
import Testing

@testable import CertLint

/// The TLS versions certlint reads off HAProxy and NGINX configurations against the versions the
/// real HAProxy 2.6 and nginx 1.22 accept: each configuration runs on loopback, and
/// `openssl s_client` tries TLS 1.0, 1.1, 1.2 and 1.3 against it (ciphers at OpenSSL security level
/// 0 on both sides, so that only the protocol settings decide).
@Suite(
    .serialized,
    .enabled(
        if: RealLoadBalancers.present && FileManager.default.fileExists(atPath: "/usr/bin/openssl"),
        "haproxy, nginx and openssl are needed (Scripts/bootstrap.sh installs them)"))
struct TLSVersionOracleTests {
    /// `global` words of `ssl-default-bind-options` and the words of the bind.
    static let haproxyCases: [(global: String, bind: String)] = [
        ("", ""), ("", "no-tlsv13"), ("", "no-tlsv12"), ("", "ssl-min-ver TLSv1.0"),
        ("", "ssl-min-ver TLSv1.1 no-tlsv12"), ("", "ssl-max-ver TLSv1.2"), ("", "force-tlsv12"),
        ("", "ssl-min-ver SSLv3 ssl-max-ver TLSv1.1"), ("ssl-min-ver TLSv1.3", ""),
        ("ssl-min-ver TLSv1.0", "no-tlsv11"), ("no-tlsv12", ""), ("ssl-min-ver TLSv1.3", "ssl-min-ver TLSv1.1"),
        ("ssl-max-ver TLSv1.2", "ssl-min-ver TLSv1.1"), ("no-tlsv13", "ssl-min-ver TLSv1.0"),
        ("no-tlsv10 no-tlsv11", "no-tlsv13"),
    ]

    /// `ssl_protocols` of `http`, of the port's first (default) server, and of a second server on it.
    static let nginxCases: [(http: String, first: String, second: String)] = [
        ("TLSv1.2", "", ""), ("", "TLSv1.3", ""), ("", "TLSv1.2", "TLSv1 TLSv1.3"), ("TLSv1.1 TLSv1.3", "", ""),
        ("TLSv1 TLSv1.1", "TLSv1.2 TLSv1.3", "TLSv1.3"), ("TLSv1.2", "", "TLSv1.3"),
        ("SSLv3 TLSv1.2", "", ""),
    ]

    @Test func haproxyAcceptsTheVersionsCertLintReads() async throws {
        let files = try LoopbackFiles()
        defer { files.remove() }
        var disagreements: [String] = []
        for (index, (global, bind)) in Self.haproxyCases.enumerated() {
            let port = 21_000 + index
            let config = """
                global
                \(global.isEmpty ? "" : "    ssl-default-bind-options \(global)")
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                frontend access
                    bind \(LoopbackFiles.address):\(port) ssl crt \(files.combined) ciphers DEFAULT:@SECLEVEL=0 \(bind)
                    default_backend nodes
                backend nodes
                    server node1 127.0.0.1:9

                """
            let read = try await Self.certlintReads("haproxy.cfg", config)
            let accepted = try files.accepted(
                launch: ["/usr/sbin/haproxy", "-db", "-f", try files.write("haproxy-\(index).cfg", config)], port: port,
                names: ["access.example.com"])
            // Nothing written: the versions are the HAProxy release's default, which certlint
            // leaves unknown (2.6 accepts 1.2 and 1.3; 2.1 and earlier accepted 1.0 too).
            let unstated = global.isEmpty && bind.isEmpty
            if unstated ? read != "none" : read != accepted.first {
                disagreements.append("global [\(global)] bind [\(bind)]: certlint \(read), haproxy \(accepted)")
            }
        }
        #expect(disagreements == [])
    }

    @Test func nginxAcceptsTheVersionsCertLintReads() async throws {
        let files = try LoopbackFiles()
        defer { files.remove() }
        var disagreements: [String] = []
        for (index, (http, first, second)) in Self.nginxCases.enumerated() {
            let port = 21_100 + index
            func server(_ name: String, _ protocols: String) -> String {
                """
                    server {
                        listen \(LoopbackFiles.address):\(port) ssl;
                        server_name \(name);
                        ssl_certificate \(files.certificate);
                        ssl_certificate_key \(files.key);
                        \(protocols.isEmpty ? "" : "ssl_protocols \(protocols);")
                        return 204;
                    }
                """
            }
            let config = """
                daemon off;
                master_process off;
                pid \(files.folder)/nginx-\(index).pid;
                error_log \(files.folder)/nginx-\(index).log;
                events {}
                http {
                    access_log off;
                    ssl_ciphers DEFAULT:@SECLEVEL=0;
                    \(http.isEmpty ? "" : "ssl_protocols \(http);")
                \(server("a.example.com", first))
                \(server("b.example.com", second))
                }

                """
            let read = try await Self.certlintReads("nginx/nginx.conf", config)
            let accepted = try files.accepted(
                launch: [
                    "/usr/sbin/nginx", "-p", files.folder, "-e", "\(files.folder)/nginx-\(index).log", "-c",
                    try files.write("nginx-\(index).conf", config),
                ], port: port, names: ["a.example.com", "b.example.com"])
            for (name, versions) in zip(["a", "b"], accepted) where read != versions {
                disagreements.append(
                    "http [\(http)] a [\(first)] b [\(second)]: certlint \(read), nginx for \(name) \(versions)")
            }
        }
        #expect(disagreements == [])
    }

    /// The versions of the configuration's listeners as certlint reads them: one list (`none`
    /// when not stated), the same for every listener, or a disagreement of its own.
    static func certlintReads(_ path: String, _ config: String) async throws -> String {
        let repository = try FixtureRepository(files: [path: config])
        let result = try await repository.scan()
        let read = Set(
            result.topology.listeners.map { $0.tlsVersions.map { $0.map(\.name).joined(separator: " ") } ?? "none" })
        return read.sorted().joined(separator: " | ")
    }
}

/// A folder of test certificates and configurations, and the handshakes that probe a server in it.
struct LoopbackFiles {
    /// A loopback address of their own: the differential tests' load balancers run at the same
    /// time on 127.0.0.1, on ports of the same range.
    static let address = "127.0.77.1"

    let folder: String
    let certificate: String
    let key: String
    let combined: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let issued = try TestPKI.selfSigned(["a.example.com", "b.example.com", "access.example.com"])
        certificate = folder + "/server.pem"
        key = folder + "/server.key"
        combined = folder + "/combined.pem"
        try issued.certificatePEM.write(toFile: certificate, atomically: true, encoding: .utf8)
        try issued.keyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        try (issued.certificatePEM + "\n" + issued.keyPEM + "\n").write(
            toFile: combined, atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        return folder + "/" + name
    }

    static func isOpen(_ port: Int) throws -> Bool {
        try run("/usr/bin/env", ["bash", "-c", "exec 3<>/dev/tcp/\(address)/\(port)"]).status == 0
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Starts the server, waits for its port, and returns for each server name the versions a
    /// handshake succeeds with (`1.2 1.3`, or `none`).
    func accepted(launch: [String], port: Int, names: [String]) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launch[0])
        process.arguments = Array(launch.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL: a child of the test process inherits its blocked signals, and a single nginx
        // process does not unblock SIGTERM.
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var ready = false
        for _ in 0..<50 where !ready {
            ready = try Self.isOpen(port)
            if !ready { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(ready && process.isRunning, "\(launch[0]) did not open port \(port)")
        return try names.map { name in
            var versions: [String] = []
            for (flag, version) in [("-tls1", "1.0"), ("-tls1_1", "1.1"), ("-tls1_2", "1.2"), ("-tls1_3", "1.3")] {
                let handshake = try run(
                    "/usr/bin/env",
                    [
                        "bash", "-c",
                        "openssl s_client -connect \(LoopbackFiles.address):\(port) -servername \(name) \(flag) -cipher DEFAULT:@SECLEVEL=0 </dev/null",
                    ])
                if handshake.status == 0 { versions.append(version) }
            }
            return versions.isEmpty ? "none" : versions.joined(separator: " ")
        }
    }
}
