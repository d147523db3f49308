import Foundation
import Testing

@testable import CertLint

/// Golden outputs for every format, fingerprints that survive moved lines, and the official
/// schemas (SARIF 2.1.0: OASIS and GitHub's copy; JUnit: Jenkins' xunit XSD).
///
/// When output changes on purpose: `CERTLINT_UPDATE_GOLDEN=1 swift test --filter ReportTests`,
/// then review the diff of Tests/CertLintTests/Golden/.
@Suite(.serialized) struct ReportTests {
    /// A deployment with a little of everything: listener rules, a suppressed finding, a
    /// committed key, a parse error and a skipped binary file.
    static func goldenRepository() throws -> FixtureRepository {
        let haproxy = GoodDeployment.haproxy
            .replacing("    http-request set-header RemotePort %[src_port]\n", with: "")
            .replacing("bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem")
        let repository = try GoodDeployment.repository(
            manifest: GoodDeployment.manifest
                + "    cert-proxy:\n      # certlint:ignore CP002 reason=\"kept during the node migration\" until=2027-03-01\n      secondary-port: 5263\n",
            haproxy: haproxy,
            extra: [
                "lb/old haproxy.cfg": "frontend legacy\n    bind :80 \"unterminated\n",
                "secrets/tls.key": Fixtures.certificate("example-key"),
            ],
            certificates: ["certs/expiring.pem": "expiring"])
        try repository.write("docs/topology.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00]))
        return repository
    }

    static func normalised(_ text: String, root: String) -> String {
        text.replacingOccurrences(
            of: URL(fileURLWithPath: root, isDirectory: true).absoluteString, with: "file:///REPOSITORY/")
    }

    @Test func goldenOutputs() async throws {
        let repository = try Self.goldenRepository()
        let result = try await repository.scan()
        let update = ProcessInfo.processInfo.environment["CERTLINT_UPDATE_GOLDEN"] == "1"
        for (format, name) in [
            (OutputFormat.text, "report.txt"), (.json, "report.json"), (.sarif, "report.sarif"), (.junit, "report.xml"),
            (.github, "report.github"),
        ] {
            let rendered = Self.normalised(format.render(result), root: repository.root.resolvingSymlinksInPath().path)
            let url = Fixtures.golden.appendingPathComponent(name)
            if update {
                try rendered.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(
                rendered == expected,
                "\(name) differs from the golden file; rerun with CERTLINT_UPDATE_GOLDEN=1 if the change is intended")
        }
    }

    @Test func fingerprintsDoNotDependOnLineNumbers() async throws {
        let repository = try Self.goldenRepository()
        let before = try await repository.scan()
        let moved = try String(contentsOf: repository.root.appendingPathComponent("lb/haproxy.cfg"), encoding: .utf8)
        try repository.write("lb/haproxy.cfg", "# moved down by a comment block\n#\n#\n" + moved)
        let after = try await repository.scan()
        let fingerprint = { (result: ScanResult) in
            result.findings.filter { $0.location.path == "lb/haproxy.cfg" }.map { "\($0.ruleID) \($0.fingerprint)" }
        }
        #expect(!fingerprint(before).isEmpty)
        #expect(fingerprint(before) == fingerprint(after))
        #expect(
            before.findings.filter { $0.location.path == "lb/haproxy.cfg" }.map { $0.location.line + 3 }
                == after.findings.filter { $0.location.path == "lb/haproxy.cfg" }.map(\.location.line))
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: Fixtures.shared.appendingPathComponent("schemas").path),
            "../shared/schemas is not beside this checkout"))
    func reportsValidateAgainstTheOfficialSchemas() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-schemas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }

        var scans: [(String, ScanResult)] = []
        let golden = try Self.goldenRepository()
        scans.append(("golden", try await golden.scan()))
        scans.append(("clean", try await GoodDeployment.repository().scan()))
        // A repository with an origin remote, for versionControlProvenance, and a path that needs percent-encoding.
        let versioned = try GoodDeployment.repository(extra: ["keys/my key #1.pem": Fixtures.certificate("example-key")]
        )
        try versioned.git("init", "-q", "-b", "main")
        try versioned.git("config", "user.email", "t@example.com")
        try versioned.git("config", "user.name", "t")
        try versioned.git("remote", "add", "origin", "git@github.com:example/infra.git")
        try versioned.commitAll("x")
        let versionedResult = try await versioned.scan()
        #expect(versionedResult.provenance?.repositoryURI == "ssh://git@github.com/example/infra.git")
        #expect(versionedResult.provenance?.branch == "main")
        scans.append(("versioned", versionedResult))

        var arguments = [
            Fixtures.packageRoot.appendingPathComponent("Scripts/validate-reports.py").path,
            Fixtures.shared.appendingPathComponent("schemas").path,
        ]
        for (name, result) in scans {
            let sarif = out.appendingPathComponent("\(name).sarif")
            let junit = out.appendingPathComponent("\(name).xml")
            try OutputFormat.sarif.render(result).write(to: sarif, atomically: true, encoding: .utf8)
            try OutputFormat.junit.render(result).write(to: junit, atomically: true, encoding: .utf8)
            arguments += ["--sarif", sarif.path, "--junit", junit.path]
        }
        let validation = try run("/usr/bin/env", ["python3"] + arguments)
        #expect(validation.status == 0, "\(validation.output)\(validation.error)")
        #expect(validation.output.split(separator: "\n").count == 6)
    }

    @Test func percentEncodesPathsForSARIF() {
        #expect(SARIFReporter.percentEncoded("keys/my key #1.pem") == "keys/my%20key%20%231.pem")
        #expect(SARIFReporter.percentEncoded("lb/100%.cfg") == "lb/100%25.cfg")
        #expect(SARIFReporter.percentEncoded("café/ü.pem") == "caf%C3%A9/%C3%BC.pem")
    }

    @Test func builtInRulesLinkTheirPagesWhereTheReleasePublishesThem() {
        // A development build records no URL: no helpUri, and help text says `certlint explain`.
        #expect(RuleCatalog.builtIn.rules.allSatisfy { $0.helpURI == nil })
        var catalog = RuleCatalog.builtIn
        catalog.linkDocumentation(at: "https://github.com/owner/certlint/blob/v0.1.0/docs/rules/")
        let descriptors = SARIFReporter.rules(catalog)
        #expect(descriptors.count == catalog.rules.count)
        #expect(
            descriptors.first { $0.id == "CP004" }?.helpUri
                == "https://github.com/owner/certlint/blob/v0.1.0/docs/rules/CP004.md")
        // Every link names a page `certlint rules --format markdown` writes.
        let pages = Set(
            (try? FileManager.default.contentsOfDirectory(
                atPath: Fixtures.packageRoot.appendingPathComponent("docs/rules").path)) ?? [])
        let linked = descriptors.compactMap { $0.helpUri }.map { String($0.split(separator: "/").last ?? "") }
        #expect(linked.count == descriptors.count)
        #expect(linked.filter { !pages.contains($0) } == [])
    }

    @Test func junitEscapesAndDropsForbiddenCharacters() {
        #expect(JUnitReporter.escape("a<b>&\"c\"\u{01}\n") == "a&lt;b&gt;&amp;&quot;c&quot;&#10;")
    }
}

@Suite struct ParallelScanTests {
    /// Parallel and single-threaded scans give byte-identical SARIF.
    @Test func jobsDoNotChangeTheOutput() async throws {
        let repository = try ReportTests.goldenRepository()
        for index in 0..<40 {
            try repository.write(
                "teams/t\(index)/haproxy.cfg",
                GoodDeployment.haproxy.replacingOccurrences(of: "access_https", with: "web\(index)"))
            try repository.write("teams/t\(index)/notes.md", "# team \(index)\n")
        }
        var options = ScanOptions()
        options.paths = [repository.path]
        options.asOf = Fixtures.asOf
        options.jobs = 1
        let singleResult = try await Scanner.scan(options)
        options.jobs = 4
        let parallelResult = try await Scanner.scan(options)
        #expect(OutputFormat.sarif.render(singleResult) == OutputFormat.sarif.render(parallelResult))
        #expect(OutputFormat.junit.render(singleResult) == OutputFormat.junit.render(parallelResult))
        // The 40 team configurations were read: each adds a 443 and a 5262 listener.
        #expect(parallelResult.topology.listeners.count == 2 + 80)
        #expect(parallelResult.filesScanned == singleResult.filesScanned)
    }
}
