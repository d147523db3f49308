import Foundation
import Testing

@testable import CertLint

/// Adopting certlint on a repository with findings: baselines, diff mode, settings precedence
/// and the plain Git hook.
@Suite struct GateTests {
    let withoutRemotePort = GoodDeployment.haproxy.replacing(
        "    http-request set-header RemotePort %[src_port]\n", with: "")

    func scan(
        _ repository: FixtureRepository, baseline: String? = nil, diffBase: String? = nil,
        mode: SourceMode = .workingTree
    ) async throws -> ScanResult {
        var options = ScanOptions()
        options.paths = [repository.path]
        options.asOf = Fixtures.asOf
        options.baselinePath = baseline
        options.diffBase = diffBase
        options.mode = mode
        return try await Scanner.scan(options)
    }

    @Test func baselineSurvivesMovedCodeButNotANewFileAndListsFixedEntries() async throws {
        let repository = try GoodDeployment.repository(haproxy: withoutRemotePort)
        let file = repository.root.appendingPathComponent(".certlint-baseline.json").path
        let first = try await scan(repository)
        #expect(first.brief == ["CP008 lb/haproxy.cfg:8:1"])
        try Baseline(findings: first.findings).rendered().write(toFile: file, atomically: true, encoding: .utf8)
        let written = try Baseline.read(file)
        #expect(
            written.entries.map { "\($0.rule) \($0.path) \($0.subject)" } == [
                "CP008 lb/haproxy.cfg deployment access / listener 443 (frontend access_https)"
            ])

        // The offending block moves twenty lines down: still baselined.
        let moved = withoutRemotePort.replacing(
            "frontend access_https\n", with: String(repeating: "# padding\n", count: 20) + "frontend access_https\n")
        try repository.write("lb/haproxy.cfg", moved)
        var result = try await scan(repository, baseline: file)
        #expect(result.brief == ["CP008 lb/haproxy.cfg:28:1"])
        #expect(result.activeFindings.isEmpty)
        #expect(result.findings[0].suppression?.kind == .external)
        #expect(result.exitCode == 0)

        // The same problem in another file is new.
        let other = withoutRemotePort.replacingOccurrences(of: "access_https", with: "access_https_b")
            .replacingOccurrences(of: "cert_proxy", with: "cert_proxy_b")
        try repository.write("lb/b/haproxy.cfg", other)
        result = try await scan(repository, baseline: file)
        #expect(result.activeFindings.map { "\($0.ruleID) \($0.location.path)" } == ["CP008 lb/b/haproxy.cfg"])
        #expect(result.exitCode == 1)

        // Fixing the old one leaves its entry unmatched: prunable.
        try repository.write("lb/haproxy.cfg", GoodDeployment.haproxy)
        try repository.remove("lb/b/haproxy.cfg")
        result = try await scan(repository, baseline: file)
        #expect(result.findings.isEmpty)
        #expect(result.baselineUnmatched == written.entries)
        #expect(
            OutputFormat.text.render(result).contains(
                "baseline: 1 entry can be pruned with `certlint baseline --prune --output FILE`"))
    }

    @Test func baselineFileErrors() throws {
        #expect(
            throws: CertLintError.baseline(
                path: "/nonexistent/b.json",
                problem: "cannot be read; create it with `certlint baseline --output /nonexistent/b.json`")
        ) {
            try Baseline.read("/nonexistent/b.json")
        }
        let repository = try FixtureRepository(files: ["b.json": "{\"version\": 7, \"entries\": []}"])
        #expect(
            throws: CertLintError.baseline(
                path: repository.root.appendingPathComponent("b.json").path,
                problem: "has version 7; this certlint reads version 1")
        ) {
            try Baseline.read(repository.root.appendingPathComponent("b.json").path)
        }
    }

    func committedRepository() throws -> FixtureRepository {
        let repository = try GoodDeployment.repository(
            haproxy: withoutRemotePort, extra: ["keys/old.pem": Fixtures.certificate("example-key")])
        try repository.git("init", "-q", "-b", "main")
        try repository.git("config", "user.email", "t@example.com")
        try repository.git("config", "user.name", "t")
        try repository.commitAll("existing findings")
        try repository.git("checkout", "-q", "-b", "feature")
        return repository
    }

    @Test func diffModeReportsOnlyChangedFiles() async throws {
        let repository = try committedRepository()
        #expect(try await scan(repository, diffBase: "main").findings.isEmpty)
        try repository.write(
            "lb/haproxy.cfg",
            withoutRemotePort.replacing("bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem"))
        var result = try await scan(repository, diffBase: "main")
        #expect(result.brief == ["CP008 lb/haproxy.cfg:8:1", "CP004 lb/haproxy.cfg:20:5"])
        #expect(result.changedFiles == ["lb/haproxy.cfg"])
        // Staged and committed changes are compared the same way.
        try repository.git("add", "lb/haproxy.cfg")
        #expect(try await scan(repository, diffBase: "main", mode: .index).brief == result.brief)
        try repository.commitAll("terminate 5262")
        #expect(try await scan(repository, diffBase: "main", mode: .revision("HEAD")).brief == result.brief)
        #expect(try await scan(repository, diffBase: "HEAD").findings.isEmpty)

        // A new certificate file reports the listener finding it causes.
        try repository.write("certs/access.pem", Fixtures.certificate("other-host"))
        result = try await scan(repository, diffBase: "HEAD")
        #expect(result.brief == ["CP010 lb/haproxy.cfg:9:23"])

        // A renamed file is followed under its new name.
        try repository.write("certs/access.pem", Fixtures.certificate("san-disjoint"))
        try repository.git("mv", "keys/old.pem", "keys/renamed.pem")
        result = try await scan(repository, diffBase: "HEAD")
        #expect(result.brief == ["CP023 keys/renamed.pem:1:1"])
    }

    @Test func settingsPrecedence() async throws {
        let manifest = GoodDeployment.manifest.replacing(
            "settings:\n", with: "settings:\n  fail-on: warning\n  expiry-warning-days: 10\n")
        let repository = try GoodDeployment.repository(manifest: manifest)
        var options = ScanOptions()
        options.paths = [repository.path]
        var settings = try Scanner.effectiveSettings(options)
        #expect(settings.failOn == .warning)
        #expect(settings.expiryWarningDays == 10)
        #expect(settings.maxFileSize == 5 * 1024 * 1024)
        #expect(settings.sources["fail-on"] == "certlint.yaml:3")
        options.failOn = .never
        settings = try Scanner.effectiveSettings(options)
        #expect(settings.failOn == .never)
        let report = SettingsReport.render(settings)
        #expect(report.hasPrefix("settings file: certlint.yaml\n"))
        #expect(report.contains("fail-on: never"))
        #expect(report.split(separator: "\n").first { $0.hasPrefix("fail-on:") }?.hasSuffix("(command line)") == true)
        #expect(
            report.split(separator: "\n").first { $0.hasPrefix("expiry-warning-days: 10") }?.hasSuffix(
                "(certlint.yaml:4)") == true)
        #expect(report.split(separator: "\n").first { $0.hasPrefix("max-file-size:") }?.hasSuffix("(default)") == true)
    }

    @Test func installHookWritesAHookThatGuardsTheIndex() throws {
        let repository = try GoodDeployment.repository()
        try repository.git("init", "-q", "-b", "main")
        try repository.git("config", "user.email", "t@example.com")
        try repository.git("config", "user.name", "t")
        let install = try run(CommandLineTests.binary, ["install-hook", repository.path])
        #expect(install.status == 0)
        let hook = repository.root.appendingPathComponent(".git/hooks/pre-commit").path
        #expect(FileManager.default.isExecutableFile(atPath: hook))
        #expect(try String(contentsOfFile: hook, encoding: .utf8).contains(HookInstaller.marker))

        // A clean commit passes; a staged CP004 is refused even though the working tree is fine.
        try repository.git("add", "-A")
        var commit = try run("/usr/bin/git", ["-C", repository.path, "commit", "-q", "-m", "good"])
        #expect(commit.status == 0)
        try repository.write(
            "lb/haproxy.cfg",
            GoodDeployment.haproxy.replacing("bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem"))
        try repository.git("add", "lb/haproxy.cfg")
        try repository.write("lb/haproxy.cfg", GoodDeployment.haproxy)
        commit = try run("/usr/bin/git", ["-C", repository.path, "commit", "-q", "-m", "bad"])
        #expect(commit.status != 0)
        #expect((commit.output + commit.error).contains("[CP004]"))

        // A hook certlint did not write is kept unless --force, which backs it up.
        try "#!/bin/sh\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
        let refused = try run(CommandLineTests.binary, ["install-hook", repository.path])
        #expect(refused.status == 2)
        #expect(refused.error.contains("is a pre-commit hook certlint did not write"))
        let forced = try run(CommandLineTests.binary, ["install-hook", "--force", repository.path])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: hook + ".certlint-backup", encoding: .utf8) == "#!/bin/sh\nexit 0\n")
    }
}
