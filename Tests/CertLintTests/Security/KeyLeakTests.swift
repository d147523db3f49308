import Foundation
import Testing

@testable import CertLint

/// No output of any command carries key material: a repository seeded with private keys of every
/// kind (PKCS#1, PKCS#8, SEC1, Ed25519, OpenSSH, encrypted PKCS#8, legacy encrypted) and shape
/// (multi-line, one line, cut short, inside JSON strings, base64 of PEM in a Secret, bare DER,
/// HCL, a YAML block, a comment on a finding's line), scanned in every format and by `baseline`,
/// `verify` and `proxy --report`. No 16-character piece of any key's base64 may appear.
@Suite(.serialized) struct KeyLeakTests {
    static func oneLine(_ key: KeyMaterial.Key) -> String {
        key.pem.split(separator: "\n").joined(separator: " ")
    }

    static func escaped(_ key: KeyMaterial.Key) -> String {
        key.pem.replacingOccurrences(of: "\n", with: "\\n")
    }

    static func seededRepository(_ keys: KeyMaterial) throws -> FixtureRepository {
        let haproxy = GoodDeployment.haproxy
            .replacing("    http-request set-header RemotePort %[src_port]\n", with: "")
            .replacing(
                "frontend access_https\n", with: "frontend access_https  # \(oneLine(keys["haproxy-comment"]))\n")
        let manifest = GoodDeployment.manifest.replacing(
            "nodes: [wsa1.example.dmz, wsa2.example.dmz]",
            with: "nodes: [wsa1.example.dmz, wsa2.example.dmz]  # \(oneLine(keys["haproxy-comment"]))")
        let truncated = keys["truncated"].pem
        let der = keys["avi-der"].body
        let block = keys["yaml-block"].pem.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
        return try GoodDeployment.repository(
            manifest: manifest, haproxy: haproxy,
            extra: [
                "keys/pkcs8.pem": keys["pkcs8-rsa"].pem,
                "keys/pkcs1.key": keys["pkcs1-rsa"].pem,
                "keys/sec1.pem": keys["sec1-ec"].pem,
                "keys/ed25519.pem": keys["ed25519"].pem,
                "keys/encrypted.pem": keys["encrypted-pkcs8"].pem,
                "keys/legacy.pem": keys["legacy-encrypted"].pem,
                "keys/id_openssh": keys["openssh"].pem,
                "keys/oneline.pem": oneLine(keys["one-line"]) + "\n",
                "keys/truncated.pem": String(truncated.prefix(truncated.count / 2)),
                "as3/declaration.json":
                    "{\"class\": \"ADC\", \"schemaVersion\": \"3.0.0\", \"t\": {\"class\": \"Tenant\", \"a\": {\"class\": \"Application\", "
                    + "\"k\": {\"class\": \"Certificate\", \"privateKey\": \"\(escaped(keys["as3"]))\", \"passphrase\": {\"ciphertext\": \"c2VjcmV0\"}, \"x\": ]}}}\n",
                "k8s/secret.yaml":
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.key: "
                    + Data(keys["k8s-base64"].pem.utf8).base64EncodedString() + ": broken\n",
                "k8s/block.yaml":
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nstringData:\n  tls.key: |\n\(block)\n  bad: [\n",
                "tf/main.tf":
                    "resource \"tls_private_key\" \"x\" {\n  private_key_pem = \"\(escaped(keys["terraform"]))\n",
                "avi/ssl.json":
                    "{\"VirtualService\": [], \"SSLKeyAndCertificate\": [{\"name\": \"x\", \"key\": \"\(der)\", \"x\": ]}]}\n",
            ])
    }

    @Test func noOutputOfAnyCommandCarriesKeyMaterial() async throws {
        let keys = try KeyMaterial()
        let repository = try Self.seededRepository(keys)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        func file(_ name: String) -> String { outside.appendingPathComponent(name).path }
        var outputs: [(String, String)] = []
        func record(_ what: String, _ arguments: [String], expecting status: Int32) throws {
            let result = try run(
                CommandLineTests.binary, arguments, environment: ["NO_COLOR": "1", "PATH": "/usr/bin:/bin"])
            #expect(result.status == status, "\(what): \(result.error)")
            outputs.append((what + " (standard output)", result.output))
            outputs.append((what + " (standard error)", result.error))
        }
        for format in OutputFormat.allCases {
            try record(
                "scan --format \(format.rawValue)",
                ["scan", repository.path, "--as-of", "2026-06-01", "--format", format.rawValue], expecting: 1)
        }
        try record(
            "scan with files",
            [
                "scan", repository.path, "--as-of", "2026-06-01", "--sarif", file("r.sarif"), "--junit", file("r.xml"),
                "--json", file("r.json"),
            ],
            expecting: 1)
        try record(
            "baseline", ["baseline", repository.path, "--as-of", "2026-06-01", "--output", file("baseline.json")],
            expecting: 0)
        try record(
            "verify",
            [
                "verify", repository.path, "--as-of", "2026-06-01", "--timeout", "2", "--endpoint",
                "wsa1.example.dmz:5262@127.0.0.1:1", "--sarif", file("v.sarif"),
            ], expecting: 1)
        try proxyRun(repository, stage: outside, record: record)
        for name in ["r.sarif", "r.xml", "r.json", "baseline.json", "v.sarif", "p.sarif", "report.jsonl"] {
            outputs.append((name, try String(contentsOfFile: file(name), encoding: .utf8)))
        }
        for (what, text) in outputs {
            #expect(keys.leak(in: text) == nil, "\(what) carries key material: …\(keys.leak(in: text) ?? "")…")
            #expect(!text.contains("PRIVATE KEY-----\\n"), "\(what) carries a PEM body start")
        }
        try await expectKeysFoundAndRedacted(in: repository, outputs: outputs)
    }

    /// The scan saw what it had to: every unencrypted key is CP023, the one-line and cut-short
    /// ones included, and the snippets show the redaction, not the key.
    func expectKeysFoundAndRedacted(in repository: FixtureRepository, outputs: [(String, String)]) async throws {
        let scan = try await repository.scan()
        #expect(
            scan.findings.filter { $0.ruleID == .cp023 }.map(\.location.description) == [
                "keys/ed25519.pem:1:1", "keys/id_openssh:1:1", "keys/oneline.pem:1:1", "keys/pkcs1.key:1:1",
                "keys/pkcs8.pem:1:1",
                "keys/sec1.pem:1:1", "keys/truncated.pem:1:1",
            ])
        let snippets = scan.findings.compactMap(\.snippet)
        #expect(
            snippets.contains {
                $0.contains("-----BEGIN PRIVATE KEY-----[private key redacted, ")
                    && $0.hasSuffix("-----END PRIVATE KEY-----")
            })
        #expect(
            outputs.contains {
                $0.1.contains("frontend access_https  # -----BEGIN PRIVATE KEY-----[private key redacted, ")
            })
        #expect(snippets.contains { $0.contains("\"privateKey\": \"[private key redacted, ") })
        #expect(snippets.contains { $0.contains("\"ciphertext\": \"[passphrase redacted, 8 bytes]\"") })
        #expect(
            snippets.contains {
                $0.contains("\"SSLKeyAndCertificate\": [{\"name\": \"x\", \"key\": \"[private key redacted, ")
            })
    }

    /// `certlint proxy --duration 1` with nodes that do not answer: its report, SARIF and messages.
    func proxyRun(_ repository: FixtureRepository, stage folder: URL, record: (String, [String], Int32) throws -> Void)
        throws
    {
        let key = folder.appendingPathComponent("terminate.key").path
        let certificate = folder.appendingPathComponent("terminate.pem").path
        let made = try run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key, "-out", certificate,
                "-days", "30", "-subj", "/CN=access.example.com",
            ])
        #expect(made.status == 0, "\(made.error)")
        let stage = """
            version: 1
            listen: { address: 127.0.0.1, ports: { 443: 0, 5262: 0 } }
            nodes:
              wsa1.example.dmz: { address: 127.0.0.1, ports: { 443: 1, 5262: 1 } }
              wsa2.example.dmz: { address: 127.0.0.1, ports: { 443: 1, 5262: 1 } }
            terminate: { certificate: \(certificate), key: \(key) }
            limits: { connect-timeout: 1 }

            """
        let stagePath = folder.appendingPathComponent("stage.yaml").path
        try stage.write(toFile: stagePath, atomically: true, encoding: .utf8)
        try record(
            "proxy",
            [
                "proxy", repository.path, "--as-of", "2026-06-01", "--stage", stagePath, "--duration", "1", "--report",
                folder.appendingPathComponent("report.jsonl").path,
                "--sarif", folder.appendingPathComponent("p.sarif").path,
            ], 1)
    }
}
