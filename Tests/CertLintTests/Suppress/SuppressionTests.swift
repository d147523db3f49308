import Testing

@testable import CertLint

/// Inline suppressions in each comment syntax: with a reason, without, expired, unused, for an
/// unknown rule, for CP900, for a rule settings.unsuppressible lists.
@Suite struct SuppressionTests {
    /// GoodDeployment with RemotePort missing (CP008 on the `frontend access_https` line).
    let withoutRemotePort = GoodDeployment.haproxy.replacing(
        "    http-request set-header RemotePort %[src_port]\n", with: "")

    func haproxy(comment: String) -> String {
        withoutRemotePort.replacing("frontend access_https\n", with: "\(comment)\nfrontend access_https\n")
    }

    @Test func aReasonedSuppressionOnTheLineAboveSilencesTheFinding() async throws {
        let config = haproxy(
            comment:
                "# certlint:ignore CP008 reason=\"RemotePort is set by the iRule on the F5 in front\" until=2027-01-31")
        let result = try await GoodDeployment.repository(haproxy: config).scan()
        #expect(result.brief == ["CP008 lb/haproxy.cfg:9:1"])
        #expect(result.activeFindings.isEmpty)
        #expect(result.exitCode == 0)
        #expect(
            result.findings[0].suppression
                == Suppression(
                    kind: .inSource, justification: "RemotePort is set by the iRule on the F5 in front",
                    location: SourceLocation(path: "lb/haproxy.cfg", line: 8, column: 1)))
        #expect(result.checks.contains { $0.ruleID == .cp901 })
    }

    @Test func aTrailingCommentOnTheSameLineWorksToo() async throws {
        let config = withoutRemotePort.replacing(
            "frontend access_https\n", with: "frontend access_https  # certlint:ignore CP008 reason='set upstream'\n")
        let result = try await GoodDeployment.repository(haproxy: config).scan()
        #expect(result.activeFindings.isEmpty)
        #expect(result.findings.map(\.suppression?.justification) == ["set upstream"])
    }

    @Test(arguments: [
        (
            "# certlint:ignore CP008",
            "certlint:ignore has no reason; a suppression needs reason=\"why this is acceptable\""
        ),
        (
            "# certlint:ignore CP008 reason=\"until the F5 move\" until=2026-01-31",
            "certlint:ignore expired on 2026-01-31; fix the finding or renew the suppression with a later until="
        ),
        (
            "# certlint:ignore CP008 reason=\"x\" until=next-week",
            "certlint:ignore until=next-week is not a date; write until=YYYY-MM-DD"
        ),
        (
            "# certlint:ignore reason=\"x\"",
            "certlint:ignore names no rule; write the rule IDs first, e.g. `certlint:ignore CP002 reason=\"…\"`"
        ),
        (
            "# certlint:ignore CP008 reason=\"x\" owner=me",
            "certlint:ignore unknown setting 'owner=' (expected reason= and until=)"
        ),
    ])
    func brokenSuppressionsAreCP901AndSuppressNothing(_ comment: String, _ message: String) async throws {
        let result = try await GoodDeployment.repository(haproxy: haproxy(comment: comment)).scan()
        #expect(result.brief == ["CP901 lb/haproxy.cfg:8:1", "CP008 lb/haproxy.cfg:9:1"])
        #expect(result.messages(.cp901) == [message])
        #expect(result.activeFindings.count == 2)
    }

    @Test func unknownAndUnusedRules() async throws {
        let config = haproxy(comment: "# certlint:ignore CP008,CP999,CP004 reason=\"x\"")
        let result = try await GoodDeployment.repository(haproxy: config).scan()
        #expect(result.brief == ["CP901 lb/haproxy.cfg:8:1", "CP901 lb/haproxy.cfg:8:1", "CP008 lb/haproxy.cfg:9:1"])
        #expect(
            result.messages(.cp901) == [
                "certlint:ignore names CP999, which is not a rule of the catalog (`certlint rules` lists them)",
                "certlint:ignore CP004 suppresses nothing: no CP004 finding on line 8 or 9; remove it",
            ])
        #expect(result.findings.first { $0.ruleID == .cp008 }?.suppression != nil)
    }

    @Test func parseErrorsAndUnsuppressibleRulesCannotBeSuppressed() async throws {
        let broken = "frontend legacy  # certlint:ignore CP900 reason=\"vendor file\"\n    bind :80 \"open\n"
        var result = try await GoodDeployment.repository(extra: ["lb/legacy.cfg": broken]).scan()
        #expect(result.brief == ["CP901 lb/legacy.cfg:1:18", "CP900 lb/legacy.cfg:2:14"])
        #expect(result.messages(.cp901) == ["certlint:ignore cannot suppress CP900: certlint never suppresses it"])

        let manifest = GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  unsuppressible: [CP008]\n")
        result = try await GoodDeployment.repository(
            manifest: manifest, haproxy: haproxy(comment: "# certlint:ignore CP008 reason=\"x\"")
        ).scan()
        #expect(result.messages(.cp901) == ["certlint:ignore cannot suppress CP008: settings.unsuppressible lists it"])
        #expect(result.activeFindings.map(\.ruleID) == [.cp901, .cp008])
    }

    @Test func yamlCommentsSuppressManifestFindings() async throws {
        let manifest =
            GoodDeployment.manifest
            + "    cert-proxy:\n      # certlint:ignore CP002 reason=\"5263 stays until CHG-1234\"\n      secondary-port: 5263\n"
        let result = try await GoodDeployment.repository(manifest: manifest).scan()
        #expect(result.brief == ["CP002 certlint.yaml:12:23"])
        #expect(result.activeFindings.isEmpty)
        // Without the comment the same finding is active.
        let plain = try await GoodDeployment.repository(
            manifest: manifest.replacing(
                "      # certlint:ignore CP002 reason=\"5263 stays until CHG-1234\"\n", with: "")
        ).scan()
        #expect(plain.activeFindings.map(\.ruleID) == [.cp002])
    }

    @Test func directivesInEachCommentSyntax() {
        let hash = SuppressionDirective.find(
            in: "a: 1\n  # certlint:ignore CP002 reason=\"r\" until=2027-03-01\nb: 2\n", path: "x.yaml")
        #expect(
            hash == [
                SuppressionDirective(
                    rules: ["CP002"], reason: "r", until: "2027-03-01",
                    location: SourceLocation(path: "x.yaml", line: 2, column: 3), lines: 2...3, problems: [])
            ])
        let slashes = SuppressionDirective.find(
            in: "resource \"aws_lb_listener\" \"x\" { // certlint:ignore CP004 reason='legacy'\n", path: "main.tf")
        #expect(slashes.map(\.rules) == [["CP004"]])
        #expect(slashes.map(\.reason) == ["legacy"])
        #expect(slashes.map(\.lines) == [1...2])
        // Not a comment: a string that mentions the marker.
        #expect(SuppressionDirective.find(in: "description = \"certlint:ignore CP004\"\n", path: "main.tf").isEmpty)
        let json = """
            {
              "class": "Service_TCP",
              "certlint:ignore": "CP004 reason=\\"managed by the F5 team\\"",
              "virtualPort": 5262
            }
            """
        let fromJSON = SuppressionDirective.find(in: json, path: "as3/app.json")
        #expect(fromJSON.map(\.rules) == [["CP004"]])
        #expect(fromJSON.map(\.lines) == [1...5])
        #expect(fromJSON.map(\.location.line) == [3])
        let slashKey = SuppressionDirective.find(
            in: "{\"//\": \"certlint:ignore CP006 reason=\\\"lab\\\"\", \"port\": 5263}", path: "a.json")
        #expect(slashKey.map(\.rules) == [["CP006"]])
        #expect(slashKey.map(\.reason) == ["lab"])
    }

    @Test func jsonDirectivesCoverTheirObject() {
        let suppressor = Suppressor(catalog: .builtIn, settings: Settings(), asOf: Fixtures.asOf)
        let directive = SuppressionDirective(
            rules: ["CP004"], reason: "lab", until: nil, location: SourceLocation(path: "a.json", line: 3, column: 3),
            lines: 1...5, problems: [])
        let inside = Finding(
            ruleID: .cp004, level: .error, message: "m", location: SourceLocation(path: "a.json", line: 4, column: 5),
            subject: "s")
        let outside = Finding(
            ruleID: .cp004, level: .error, message: "m", location: SourceLocation(path: "a.json", line: 7, column: 5),
            subject: "t")
        let (findings, _) = suppressor.apply([directive], to: [inside, outside])
        #expect(findings.map(\.isActive) == [false, true])
    }
}
