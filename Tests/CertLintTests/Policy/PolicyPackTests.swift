import Foundation
import Testing

@testable import CertLint

/// Rule packs with checks of their own (`checks:`): read strictly, evaluated over the topology,
/// reported and suppressed like built-in rules, their examples run by `certlint rules --check`.
@Suite struct PolicyPackTests {
    static let examples = Fixtures.packageRoot.appendingPathComponent("Examples")
    static let packs = ["organisation-ca", "certificate-hygiene", "load-balancer-baseline"].map {
        examples.appendingPathComponent("policies/\($0)").path
    }

    /// A pack folder holding `text` as pack.yaml.
    static func pack(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("pack.yaml"), atomically: true, encoding: .utf8)
        return folder.path
    }

    static let minimalExamples = """
            examples:
              - name: one
                fails: true
                files: {certlint.yaml: "version: 1"}
              - name: two
                fails: false
                files: {certlint.yaml: "version: 1"}
        """

    static func rule(id: String = "ORG001", select: String = "kind: listener", require: String) -> String {
        """
        checks:
          - id: \(id)
            name: a-rule
            level: warning
            short: Something the organisation wants.
            select:
              \(select)
            require:
              \(require)
        \(minimalExamples)
        """
    }

    static func problem(_ text: String) throws -> String {
        let folder = try pack(text)
        var catalog = RuleCatalog.builtIn
        do {
            try catalog.addPack(at: folder)
        } catch {
            return "\(error)".replacingOccurrences(of: folder + "/", with: "")
        }
        return "no error"
    }

    @Test func malformedPacksAreExit2WithFileLineColumnAndWhat() throws {
        let tail =
            ". A pack is a folder of YAML files: rules: and matrix rows as in certlint's rules/ folder, checks: as docs/policy-packs.md describes."
        #expect(
            try Self.problem(Self.rule(require: "prot: {equals: 443}"))
                == "rule pack pack.yaml:9:7: checks[0].require.prot: unknown attribute of listener; expected all, any, not, every, some, none, count or one of name, file, port, role, layer, tls, terminates-tls, inserts-x-forwarded-for, inserts-remote-port, tls-versions, min-tls-version, health-check-paths, node-hosts"
                + tail)
        #expect(
            try Self.problem(Self.rule(require: "port: {atleast: 443}"))
                == "rule pack pack.yaml:9:14: checks[0].require.port.atleast: unknown operator; expected one of equals, not-equals, in, not-in, matches, less-than, greater-than, at-least, at-most, exists, contains, covers, issued-by"
                + tail)
        #expect(
            try Self.problem(Self.rule(require: "port: {matches: '44.'}"))
                == "rule pack pack.yaml:9:23: checks[0].require.port.matches: port is number; it takes at-least, at-most, equals, exists, greater-than, in, less-than, not-equals, not-in, not matches"
                + tail)
        #expect(
            try Self.problem(Self.rule(select: "kind: vip", require: "port: {equals: 443}"))
                == "rule pack pack.yaml:7:13: checks[0].select.kind: unknown kind 'vip'; expected one of deployment, listener, pool, pool-member, certificate, cert-proxy"
                + tail)
        #expect(
            try Self.problem(Self.rule(id: "CP004", require: "port: {equals: 443}"))
                == "rule pack pack.yaml:2:9: checks[0].id: 'CP004' is not a pack rule ID: use your pack's own prefix and three digits, such as ORG001 (CP is certlint's)"
                + tail)
        let twice =
            Self.rule(require: "port: {equals: 443}") + "\n"
            + Self.rule(require: "port: {equals: 80}")
            .replacingOccurrences(of: "checks:\n", with: "")
        #expect(
            try Self.problem(twice)
                == "rule pack pack.yaml:17:5: ORG001 is already taken by the pack rule a-rule; give this rule an ID of its own"
                + tail)
        let withoutPassing = Self.rule(require: "port: {equals: 443}").replacingOccurrences(
            of: "fails: false", with: "fails: true")
        #expect(
            try Self.problem(withoutPassing)
                == "rule pack pack.yaml:11:7: checks[0].examples: needs a failing (fails: true) and a passing (fails: false) example"
                + tail)
    }

    @Test func theAttributeTableOfTheDocumentationIsTheModels() throws {
        let text = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/policy-packs.md"), encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- attributes:begin -->\n"))
        let end = try #require(text.range(of: "<!-- attributes:end -->"))
        #expect(
            String(text[begin.upperBound..<end.lowerBound]) == FactAttributes.markdownTable,
            "docs/policy-packs.md's attribute table is stale: paste `swift run certlint rules --attributes` between its markers"
        )
    }

    @Test func theExamplePacksPassTheirOwnExamples() async throws {
        var catalog = RuleCatalog.builtIn
        for pack in Self.packs { try catalog.addPack(at: pack) }
        let outcomes = await PolicyExampleRunner.run(catalog, asOf: Fixtures.asOf)
        #expect(outcomes.count == 12)
        #expect(outcomes.filter(\.failed).map { "\($0.rule.id) \($0.example.name): \($0.problem ?? "")" } == [])
    }

    @Test func aFailingExampleSaysWhy() async throws {
        let text = try String(contentsOfFile: Self.packs[1] + "/pack.yaml", encoding: .utf8)
            .replacingOccurrences(of: "at-least: 60", with: "at-least: 20")
        let folder = try Self.pack(text)
        var catalog = RuleCatalog.builtIn
        try catalog.addPack(at: folder)
        let report = PolicyExampleRunner.report(await PolicyExampleRunner.run(catalog, asOf: Fixtures.asOf))
            .replacingOccurrences(of: folder + "/", with: "")
        let lines = report.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "HYG001 certificate-expires-within-60-days: example \"expires in 30 days\" (fails, pack.yaml:76:9): FAILED: expected a finding of HYG001, found none (2 facts checked and passed)"
            ), "\(report)")
        #expect(lines.last == "2 rules, 4 examples: 3 ok, 1 failed")
    }

    @Test func anExampleThatCannotBeScannedFailsAndTheRunGoesOn() async throws {
        let folder = try Self.pack(
            Self.rule(require: "port: {equals: 443}").replacingOccurrences(
                of: "files: {certlint.yaml: \"version: 1\"}", with: "files: {certlint.yaml: \"version: 2\"}"))
        var catalog = RuleCatalog.builtIn
        try catalog.addPack(at: folder)
        let outcomes = await PolicyExampleRunner.run(catalog, asOf: Fixtures.asOf)
        #expect(
            outcomes.map { $0.problem ?? "ok" } == [
                "the example repository cannot be scanned: certlint.yaml:1:10: version: must be 1, found 2. Fix certlint.yaml; the README's \"certlint.yaml\" section lists every key.",
                "the example repository cannot be scanned: certlint.yaml:1:10: version: must be 1, found 2. Fix certlint.yaml; the README's \"certlint.yaml\" section lists every key.",
            ])
    }

    @Test func examplesScannedWithThePacksReportAtTheFactsLocations() async throws {
        var options = ScanOptions()
        options.paths = [Self.examples.path]
        options.asOf = Fixtures.asOf
        options.rulePacks = Self.packs
        let result = try await Scanner.scan(options)
        #expect(
            result.brief.filter { !$0.hasPrefix("CP") } == [
                "HYG002 Examples/lb/dr/haproxy.cfg:10:23", "HYG002 Examples/lb/prod/haproxy.cfg:14:23",
                "LB001 Examples/terraform/modules/access-lb/main.tf:28:3",
                "LB003 Examples/terraform/modules/access-lb/main.tf:28:3",
                "ORG001 Examples/terraform/modules/access-lb/main.tf:29:3",
                "LB001 Examples/terraform/modules/access-lb/main.tf:53:3",
            ])
        // An ALB without ssl_policy gets ELBSecurityPolicy-2016-08 (TLS 1.0 to 1.2), and does not
        // verify its targets' certificates; the HAProxy of access-prod states TLS 1.2 and later.
        #expect(
            result.messages(RuleID(rawValue: "LB001")) == [
                "deployment access-aws / listener 443 (aws_lb_listener.https): A listener that terminates TLS accepts a version below TLS 1.2 (min-tls-version is '1.0', expected one of 1.2, 1.3)",
                "deployment access-aws / listener 5262 (aws_lb_listener.cert_proxy): A listener that terminates TLS accepts a version below TLS 1.2 (min-tls-version is '1.0', expected one of 1.2, 1.3)",
            ])
        // access-dr's HAProxy writes no TLS version: neither a finding nor a check.
        #expect(
            result.checks.filter { $0.ruleID.rawValue == "LB001" }.map(\.subject) == [
                "deployment access-prod / listener 443 (frontend access_https)",
                "deployment access-aws / listener 443 (aws_lb_listener.https)",
                "deployment access-aws / listener 5262 (aws_lb_listener.cert_proxy)",
            ])
        #expect(
            result.messages(RuleID(rawValue: "ORG001")) == [
                "deployment access-aws / certificate aws_acm_certificate.access: The cert proxy certificate is not issued by the organisation's CA (provider-issued is true, expected false)"
            ])
        let sarif = OutputFormat.sarif.render(result)
        #expect(sarif.contains("\"id\" : \"ORG001\""))
        #expect(sarif.contains("\"ruleId\" : \"HYG002\""))
        let junit = OutputFormat.junit.render(result)
        #expect(junit.contains("ORG001"))
    }

    @Test func packFindingsAreSuppressedAndConfiguredLikeBuiltInOnes() async throws {
        let pack = try Self.pack(Self.rule(require: "inserts-remote-port: {equals: false}"))
        let repository = try GoodDeployment.repository()
        let flagged = try await repository.scan(rulePacks: [pack])
        #expect(flagged.brief == ["ORG001 lb/haproxy.cfg:9:5"])
        #expect(
            flagged.messages(RuleID(rawValue: "ORG001")) == [
                "deployment access / listener 443 (frontend access_https): Something the organisation wants (inserts-remote-port is true, expected false)"
            ])
        let haproxy = GoodDeployment.haproxy.replacing(
            "    bind :443", with: "    # certlint:ignore ORG001 reason=\"accepted for the pilot\"\n    bind :443")
        try repository.write("lb/haproxy.cfg", haproxy)
        let suppressed = try await repository.scan(rulePacks: [pack])
        #expect(
            suppressed.findings.map { "\($0.ruleID) \($0.suppression?.justification ?? "active")" } == [
                "ORG001 accepted for the pilot"
            ])
        try repository.write("lb/haproxy.cfg", GoodDeployment.haproxy)
        try repository.write(
            "certlint.yaml",
            GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  rules:\n    ORG001: off\n"))
        #expect(try await repository.scan(rulePacks: [pack]).findings.isEmpty)
    }

    @Test func matchesIsAWholeValueMatch() async throws {
        let pack = try Self.pack(Self.rule(require: "name: {matches: 'frontend access_.*'}"))
        let result = try await GoodDeployment.repository().scan(rulePacks: [pack])
        #expect(result.brief == ["ORG001 lb/haproxy.cfg:21:5"])
        #expect(
            result.messages(RuleID(rawValue: "ORG001")) == [
                "deployment access / listener 5262 (frontend cert_proxy): Something the organisation wants (name is 'frontend cert_proxy', expected to match /frontend access_.*/)"
            ])
        let partial = try Self.pack(Self.rule(require: "name: {matches: 'access'}"))
        #expect(try await GoodDeployment.repository().scan(rulePacks: [partial]).brief.count == 2)
    }

    @Test func issuedByJudgesCertificateFilesAndLeavesProviderIssuedOnesAlone() async throws {
        // An anchor that issued none of Examples/' certificates: the two files fail, the ACM
        // certificate of access-aws is neither a finding nor a check.
        let folder = try Self.pack(
            Self.rule(
                select: "kind: certificate\n      where:\n        roles: {contains: cert-proxy}",
                require: "chain: {issued-by: other-ca.pem}"))
        try Fixtures.certificate("node-self-signed").write(
            toFile: folder + "/other-ca.pem", atomically: true, encoding: .utf8)
        var options = ScanOptions()
        options.paths = [Self.examples.path]
        options.asOf = Fixtures.asOf
        options.rulePacks = [folder]
        let result = try await Scanner.scan(options)
        #expect(
            result.brief.filter { $0.hasPrefix("ORG") } == [
                "ORG001 Examples/lb/dr/haproxy.cfg:10:23", "ORG001 Examples/lb/prod/haproxy.cfg:14:23",
            ])
        #expect(
            result.checks.filter { $0.ruleID.rawValue == "ORG001" }.map(\.subject).sorted() == [
                "deployment access-dr / certificate Examples/certs/access-dr.pem",
                "deployment access-prod / certificate Examples/certs/access-san.pem",
            ])
    }

    @Test func aTestOnWhatTheRepositoryDoesNotStateIsUnknown() {
        // A provider-issued certificate (ACM) has no chain in the repository to judge.
        let fact = PolicyFact(
            kind: .certificate, subject: "s", location: SourceLocation(path: "a", line: 1),
            values: ["provider-issued": .flag(true)])
        let test = PolicyCondition.test(
            PolicyTest(attribute: "chain", op: .issuedBy(anchor: "ca.pem", certificates: [])))
        #expect(test.evaluate(fact) == .unknown)
        #expect(
            PolicyCondition.all([test, .test(PolicyTest(attribute: "provider-issued", op: .equals("false")))]).evaluate(
                fact) == .fails("provider-issued is true, expected false"))
        #expect(
            PolicyCondition.any([test, .test(PolicyTest(attribute: "provider-issued", op: .equals("false")))]).evaluate(
                fact) == .unknown)
        #expect(PolicyCondition.not(test).evaluate(fact) == .unknown)
        #expect(PolicyCondition.test(PolicyTest(attribute: "chain", op: .exists(false))).evaluate(fact) == .holds)
    }
}
