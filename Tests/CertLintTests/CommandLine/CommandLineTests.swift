import Foundation
import Testing

/// The `certlint` binary as users run it: exit codes 0/1/2, messages, output files.
@Suite struct CommandLineTests {
    /// The binary SwiftPM built next to the test bundle.
    static let binary: String = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        if folder.pathExtension == "xctest" || folder.lastPathComponent == "Contents" {
            folder = folder.deletingLastPathComponent()
        }
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("certlint").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/certlint").path
    }()

    func certlint(_ arguments: String...) throws -> (status: Int32, output: String, error: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        return try run(Self.binary, arguments, environment: environment)
    }

    @Test func exitCodesFollowFailOn() throws {
        let repository = try GoodDeployment.repository(
            haproxy: GoodDeployment.haproxy.replacing("    http-request set-header RemotePort %[src_port]\n", with: ""))
        let failing = try certlint("scan", repository.path, "--as-of", "2026-06-01")
        #expect(failing.status == 1)
        #expect(
            failing.output.hasPrefix(
                "lb/haproxy.cfg:8:1: error: deployment access: the Layer 7 listener frontend access_https on port 443 does not insert RemotePort"
            ))
        #expect(failing.output.contains("\nfrontend access_https\n^\n") == false)
        #expect(failing.output.contains("    frontend access_https\n    ^\n"))
        #expect(
            failing.output.hasSuffix(
                "1 error, 0 warnings, 0 notes in 5 files scanned, 1 deployment found; 18 checks made; fail-on error → exit 1\n"
            ))
        #expect(try certlint("scan", repository.path, "--as-of", "2026-06-01", "--fail-on", "never").status == 0)
        let clean = try GoodDeployment.repository()
        #expect(try certlint("scan", clean.path, "--as-of", "2026-06-01").status == 0)
    }

    @Test func badCommandLinesExitWith2AndSayWhatToDo() throws {
        let unknownFlag = try certlint("scan", "--fromat", "json")
        #expect(unknownFlag.status == 2)
        #expect(unknownFlag.error.contains("Unknown option '--fromat'"))
        #expect(unknownFlag.error.contains("Run `certlint --help`"))
        let badFormat = try certlint("scan", "--format", "xml")
        #expect(badFormat.status == 2)
        #expect(badFormat.error.contains("The value 'xml' is invalid for '--format <format>'"))
        let missing = try certlint("scan", "/nonexistent/infra")
        #expect(missing.status == 2)
        #expect(
            missing.error
                == "certlint: error: /nonexistent/infra: no such file or folder. Pass the path of a repository or of a folder or file inside one.\n"
        )
        let date = try certlint("scan", ".", "--as-of", "2026-13-01")
        #expect(date.status == 2)
        #expect(
            date.error
                == "certlint: error: --as-of 2026-13-01: expected a date as YYYY-MM-DD, e.g. --as-of 2027-01-31.\n")
        let both = try certlint("scan", ".", "--staged", "--rev", "HEAD")
        #expect(both.status == 2)
        #expect(both.error.contains("--staged and --rev choose different sources; pass one of them."))
        let rule = try certlint("explain", "CP999")
        #expect(rule.status == 2)
        #expect(rule.error == "certlint: error: CP999 is not a rule of the catalog. `certlint rules` lists them.\n")
    }

    /// One-character names went through Foundation's `deletingLastPathComponent`, which stops
    /// the process on them (swift-corelibs-foundation 6.3.1): an output file, a scanned file, and
    /// Terraform's `dirname` in a committed file.
    @Test func oneCharacterPathsAndATerraformDirname() throws {
        let repository = try FixtureRepository(files: [
            "main.tf": """
            resource "aws_lb_listener" "l" {
              load_balancer_arn = "arn"
              port              = 443
              protocol          = "HTTPS"
              certificate_arn   = dirname("a")
            }
            """,
            "x": "not infrastructure\n",
        ])
        func certlint(in folder: String, _ arguments: String) throws -> (status: Int32, output: String, error: String) {
            try run("/bin/sh", ["-c", "cd \"$1\" && NO_COLOR=1 \"$2\" \(arguments)", "sh", folder, Self.binary])
        }
        let folder = try certlint(in: repository.path, "scan . --no-cache --sarif o")
        #expect(folder.status == 0)
        #expect(
            folder.output.hasSuffix("in 2 files scanned, 0 deployments found; 0 checks made; fail-on error → exit 0\n"))
        #expect(try String(contentsOfFile: repository.path + "/o", encoding: .utf8).contains("\"version\" : \"2.1.0\""))
        let file = try certlint(in: repository.path, "scan x --no-cache")
        #expect(file.status == 0)
        #expect(
            file.output.hasSuffix("in 1 file scanned, 0 deployments found; 0 checks made; fail-on error → exit 0\n"))
    }

    @Test func writesSeveralOutputsFromOneRun() throws {
        let repository = try GoodDeployment.repository(extra: ["keys/a.pem": Fixtures.certificate("example-key")])
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try certlint(
            "scan", repository.path, "--as-of", "2026-06-01", "--format", "github",
            "--sarif", out.appendingPathComponent("r.sarif").path, "--junit", out.appendingPathComponent("r.xml").path,
            "--json", out.appendingPathComponent("r.json").path)
        #expect(result.status == 1)
        #expect(
            result.output
                == "::error file=keys/a.pem,line=1,col=1,title=CP023 private-key-committed::keys/a.pem holds an unencrypted private key (PRIVATE KEY); remove it from the repository, rotate the certificate it belongs to, and keep keys in a secret store\n"
        )
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("r.json")))
            as? [String: Any]
        #expect((json?["findings"] as? [[String: Any]])?.first?["ruleId"] as? String == "CP023")
        let sarif = try String(contentsOf: out.appendingPathComponent("r.sarif"), encoding: .utf8)
        #expect(sarif.contains("\"ruleId\" : \"CP023\""))
        let junit = try String(contentsOf: out.appendingPathComponent("r.xml"), encoding: .utf8)
        #expect(
            junit.contains(
                "<testcase name=\"file keys/a.pem / private key 1\" classname=\"certlint.CP023.private-key-committed\" time=\"0.000\">"
            ))
        let unwritable = try certlint("scan", repository.path, "--sarif", "/nonexistent/dir/r.sarif")
        #expect(unwritable.status == 2)
        #expect(
            unwritable.error
                == "certlint: error: output /nonexistent/dir/r.sarif is in /nonexistent/dir, which is not a folder. Pass the path of a regular file in a writable folder, or - for standard output.\n"
        )
    }

    @Test func rulesAndExplainPrintTheCatalog() throws {
        let rules = try certlint("rules", "--format", "json")
        #expect(rules.status == 0)
        let catalog = try JSONSerialization.jsonObject(with: Data(rules.output.utf8)) as? [[String: Any]]
        #expect(
            catalog?.map { $0["id"] as? String ?? "" } == [
                "CP001", "CP002", "CP003", "CP004", "CP005", "CP006", "CP007", "CP008", "CP009", "CP010", "CP011",
                "CP012", "CP013", "CP014", "CP015",
                "CP020", "CP021", "CP022", "CP023", "CP030", "CP031", "CP900", "CP901",
            ])
        let explain = try certlint("explain", "port-5263-missing")
        #expect(explain.status == 0)
        #expect(
            explain.output.hasPrefix(
                "CP001 port-5263-missing (error; tags: matrix, availability; security-severity 5.0)\n"))
        #expect(explain.output.contains("secondary-port: 5263"))
        // The catalog travels inside the binary: it works from any folder.
        let elsewhere = try run("/bin/sh", ["-c", "cd / && '\(Self.binary)' rules --format markdown"])
        #expect(elsewhere.status == 0)
        #expect(elsewhere.output.hasPrefix("| ID | name | level | what it finds |\n"))
    }

    @Test func rulePacksRefineTheCatalogAndAreValidated() throws {
        let pack = try FixtureRepository(files: [
            "pack/catalog.yaml": "rules:\n  - id: CP002\n    level: error\n    tags: [matrix, corp-policy]\n"
        ])
        let refined = try certlint("rules", "--rules", pack.root.appendingPathComponent("pack").path)
        #expect(refined.output.split(separator: "\n")[1].contains("port-5263-unneeded"))
        #expect(refined.output.split(separator: "\n")[1].contains(" error "))
        let bad = try FixtureRepository(files: [
            "pack/catalog.yaml":
                "rules:\n  - id: CP777\n    name: x\n    level: error\n    short: s\n    full: f\n    help: h\n    security-severity: '1.0'\n"
        ])
        let rejected = try certlint("rules", "--rules", bad.root.appendingPathComponent("pack").path)
        #expect(rejected.status == 2)
        #expect(
            rejected.error.contains("CP777 is not a built-in rule; a pack may refine built-in rules but not add checks")
        )
    }
}
