import Foundation
import Testing

@testable import CertLint

/// Malformed files are CP900 findings with file, line and column; a broken configuration stops
/// the run with a message that names the key; nothing crashes, nothing is skipped silently.
@Suite struct BadInputTests {
    @Test func malformedManifestYAML() async throws {
        let repository = try GoodDeployment.repository(extra: [
            "teams/b/certlint.yaml": "version: 1\ndeployments:\n  - name: b\n   vip: x\n"
        ])
        let result = try await repository.scan()
        #expect(result.brief == ["CP900 teams/b/certlint.yaml:4:4"])
        #expect(
            result.messages(.cp900) == [
                "certlint.yaml: did not find expected '-' indicator (while parsing a block collection at line 3, column 3)"
            ])
        #expect(result.exitCode == 1)
    }

    @Test func brokenPEMBlock() async throws {
        let broken = Fixtures.certificate("wildcard").replacingOccurrences(of: "-----END CERTIFICATE-----", with: "")
        let result = try await GoodDeployment.repository(extra: ["certs/broken.pem": "# chain\n" + broken]).scan()
        #expect(result.brief == ["CP900 certs/broken.pem:2:1"])
        #expect(
            result.messages(.cp900) == [
                "PEM/DER certificates: PEM block \"CERTIFICATE\" has no matching -----END CERTIFICATE----- line"
            ])
    }

    @Test func aBrokenCertificateInUseIsAlsoAnUnresolvedReference() async throws {
        let broken = Fixtures.certificate("wildcard").replacingOccurrences(of: "MII", with: "MIX")
        let repository = try GoodDeployment.repository()
        try repository.write("certs/access.pem", broken)
        let result = try await repository.scan()
        #expect(result.brief == ["CP900 certs/access.pem:1:1", "CP030 lb/haproxy.cfg:9:23"])
        #expect(
            result.messages(.cp030) == [
                "deployment access / public certificate: certs/access.pem could not be parsed (see CP900); the checks that need it did not run"
            ])
    }

    @Test func aGitLFSPointerWhereACertificateIsExpected() async throws {
        let repository = try GoodDeployment.repository()
        try repository.write(
            "certs/access.pem",
            "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1704\n"
        )
        let result = try await repository.scan()
        #expect(result.brief == ["CP030 lb/haproxy.cfg:9:23"])
        #expect(
            result.messages(.cp030) == [
                "deployment access / public certificate: certs/access.pem is a Git LFS pointer, not the certificate itself; fetch the content (git lfs pull) before scanning; the checks that need it did not run"
            ])
    }

    @Test func fileNamesWithNewlinesQuotesPercentAndNonASCII() async throws {
        let names = [
            "keys/new\nline.pem", "keys/quote\"d'.pem", "keys/100%.pem", "keys/clé-ключ-鍵.pem", "keys/ space .pem",
        ]
        let repository = try GoodDeployment.repository(
            extra: Dictionary(uniqueKeysWithValues: names.map { ($0, Fixtures.certificate("example-key")) }))
        try repository.git("init", "-q")
        try repository.git("add", "-A")
        for mode in [SourceMode.workingTree, .index] {
            let result = try await repository.scan(mode: mode)
            #expect(Set(result.brief) == Set(names.map { "CP023 \($0):1:1" }))
            let sarif = OutputFormat.sarif.render(result)
            #expect(sarif.contains("\"uri\" : \"keys/new%0Aline.pem\""))
            #expect(sarif.contains("\"uri\" : \"keys/100%25.pem\""))
            #expect(sarif.contains("\"uri\" : \"keys/%20space%20.pem\""))
            let text = OutputFormat.text.render(result)
            // The location is escaped; a message keeps its line breaks, indented under the finding.
            #expect(
                text.contains(
                    "keys/new\\x0aline.pem:1:1: error: keys/new\n    line.pem holds an unencrypted private key"))
            #expect(OutputFormat.github.render(result).contains("::error file=keys/new%0Aline.pem,line=1,col=1,"))
            let json =
                try JSONSerialization.jsonObject(with: Data(OutputFormat.json.render(result).utf8)) as? [String: Any]
            let paths = (json?["findings"] as? [[String: Any]])?.compactMap {
                ($0["location"] as? [String: Any])?["path"] as? String
            }
            #expect(Set(paths ?? []) == Set(names))
        }
    }

    @Test func aliasBombFinishesAsCP900() async throws {
        var bomb = "version: 1\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...30 {
            bomb += "x\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        let result = try await GoodDeployment.repository(extra: ["bomb/certlint.yaml": bomb]).scan()
        #expect(result.brief == ["CP900 bomb/certlint.yaml:7:45"])
    }

    @Test func nonUTF8Files() async throws {
        // HAProxy and NGINX read bytes (haproxy -c accepts a Latin-1 comment): so does certlint.
        let repository = try GoodDeployment.repository()
        try repository.write(
            "lb/legacy.cfg", Data("frontend fe\n    # caf".utf8 + [0xE9] + Data(" latin-1\n    bind :80\n".utf8)))
        let result = try await repository.scan()
        #expect(result.brief == [])
        // YAML is UTF-8 by definition (libyaml refuses anything else): a CP900 that says where.
        try repository.write(
            "k8s/legacy.yaml",
            Data("apiVersion: v1\nkind: Service\n# caf".utf8 + [0xE9] + Data("\nmetadata: {name: x}\n".utf8)))
        let yaml = try await repository.scan()
        #expect(yaml.brief == ["CP900 k8s/legacy.yaml:3:6"])
        #expect(
            yaml.messages(.cp900) == [
                "Kubernetes: file is not valid UTF-8: byte 0xE9 cannot start or continue a character"
            ])
    }

    @Test func aFolderNamedLikeAFile() async throws {
        let repository = try GoodDeployment.repository()
        try repository.remove("certs/access.pem")
        try repository.write("certs/access.pem/README.txt", "the certificate lives in the vault\n")
        let result = try await repository.scan()
        #expect(result.brief == ["CP030 lb/haproxy.cfg:9:23"])
        #expect(
            result.messages(.cp030) == [
                "deployment access / public certificate: '/etc/haproxy/certs/access.pem' is the folder certs/access.pem; certlint needs the certificate file; the checks that need it did not run"
            ])
        await #expect(
            throws: CertLintError.configurationUnreadable(
                path: repository.root.appendingPathComponent("certs").path, reason: "is a folder, not a file")
        ) {
            try await repository.scan(configPath: repository.root.appendingPathComponent("certs").path)
        }
    }

    @Test func binaryAndOversizedFilesAreSkippedWithANote() async throws {
        let manifest = GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  max-file-size: 4KiB\n")
        let repository = try GoodDeployment.repository(manifest: manifest)
        try repository.write("docs/diagram.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]))
        try repository.write("dumps/big.cfg", String(repeating: "# filler\n", count: 1000))
        let result = try await repository.scan()
        #expect(result.brief == [])
        #expect(
            result.notes == [
                ScanNote(path: "docs/diagram.png", message: "is a binary file; not read"),
                ScanNote(
                    path: "dumps/big.cfg",
                    message: "is 9000 bytes, over the 4096-byte limit (settings.max-file-size); not read"),
            ])
    }

    @Test(arguments: [
        (
            "version: 1\nsettings:\n  fail-on: sometimes\n",
            "certlint.yaml:3:12: settings.fail-on: must be one of error, warning, note, never; found 'sometimes'"
        ),
        (
            "version: 1\nsetings: {}\n",
            "certlint.yaml:2:1: setings: unknown key; expected one of deployments, settings, version"
        ),
        ("version: 2\n", "certlint.yaml:1:10: version: must be 1, found 2"),
        ("settings: {}\n", "certlint.yaml:1:1: version: is missing; start the file with `version: 1`"),
        (
            "version: 1\ndeployments:\n  - name: a\n    vip: access.example.com\n    nodes: [wsa1]\n",
            "certlint.yaml:5:13: deployments[0].nodes[0]: 'wsa1' is not a fully qualified host name (e.g. access.example.com)"
        ),
        (
            "version: 1\ndeployments:\n  - name: a\n    vip: access.example.com\n    nodes: [wsa1.example.com]\n    cert-proxy: {port: '5262x'}\n",
            "certlint.yaml:6:24: deployments[0].cert-proxy.port: must be an integer, found a string '5262x'"
        ),
        (
            "version: 1\ndeployments:\n  - name: a\n    nodes: [wsa1.example.com]\n",
            "certlint.yaml:3:5: deployments[0].vip: is required"
        ),
        (
            "version: 1\nsettings:\n  rules: {CP999: off}\n",
            "certlint.yaml:3:11: settings.rules.CP999: CP999 is not a rule of the catalog (`certlint rules` lists them)"
        ),
        (
            "version: 1\nsettings: [\n",
            "certlint.yaml:3:1: (document): not valid YAML: did not find expected node content (while parsing a flow node at line 3, column 1)"
        ),
    ])
    func configurationErrorsStopTheRun(_ text: String, _ message: String) async throws {
        let repository = try FixtureRepository(files: ["certlint.yaml": text])
        do {
            _ = try await repository.scan()
            Issue.record("expected a configuration error")
        } catch let error as CertLintError {
            #expect(
                error.description
                    == "\(message). Fix certlint.yaml; the README's \"certlint.yaml\" section lists every key.")
        }
    }

    @Test func missingTrustAnchorIsAConfigurationError() async throws {
        let manifest = GoodDeployment.manifest.replacing("[certs/ca.pem]", with: "[certs/gone.pem]")
        await #expect(
            throws: CertLintError.configuration(
                path: "certlint.yaml", line: 4, column: 19, keyPath: "settings.trust-anchors",
                problem: "'certs/gone.pem' is not a file in the repository")
        ) {
            try await GoodDeployment.repository(manifest: manifest).scan()
        }
    }

    @Test func missingPath() async throws {
        await #expect(throws: CertLintError.pathNotFound("/nonexistent/infra")) {
            var options = ScanOptions()
            options.paths = ["/nonexistent/infra"]
            _ = try await Scanner.scan(options)
        }
    }
}
