import Foundation

/// `certlint rules --check DIR`: runs every example of every pack rule through the one-rule
/// harness. A failing example must be reported (exactly at its `↓` marks, when it has any), a
/// passing one must not.
package enum PolicyExampleRunner {
    package struct Outcome: Sendable {
        let rule: RuleDescription
        let example: PolicyExample
        /// Nil when the example behaved as it says.
        let problem: String?
        package var failed: Bool { problem != nil }
    }

    package static func run(_ catalog: RuleCatalog, asOf: Date) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for policy in catalog.policies {
            for example in policy.packExamples {
                let problem: String?
                do {
                    problem = try await check(example, of: policy, catalog: catalog, asOf: asOf)
                } catch {
                    // The example's own certlint.yaml is wrong, say: the example fails, the run goes on.
                    problem = "the example repository cannot be scanned: \(error)"
                }
                outcomes.append(Outcome(rule: policy.description, example: example, problem: problem))
            }
        }
        return outcomes
    }

    private static func check(_ example: PolicyExample, of policy: PolicyRule, catalog: RuleCatalog, asOf: Date)
        async throws -> String?
    {
        var files: [String: [UInt8]] = [:]
        var marked: [String] = []
        for (path, text) in example.files {
            let (clean, marks) = RuleExample.unmarked(text)
            files[path] = Array(clean.utf8)
            marked += marks.map { "\(path):\($0.line):\($0.column)" }
        }
        let evaluation = try await RuleHarness.evaluate(
            policy, files: files, asOf: example.asOf ?? asOf, catalog: catalog)
        let found = evaluation.findings.filter { $0.ruleID == policy.id }
        let places = found.map { "\($0.location.path):\($0.location.line):\($0.location.column)" }
        if !example.fails {
            guard let first = found.first else { return nil }
            return "expected no finding of \(policy.id), found \(found.count): \(first.location): \(first.message)"
        }
        if found.isEmpty {
            let checked = evaluation.checks.filter { $0.ruleID == policy.id }.count
            return
                "expected a finding of \(policy.id), found none (\(checked) fact\(checked == 1 ? "" : "s") checked and passed)"
        }
        if !marked.isEmpty && places.sorted() != marked.sorted() {
            return
                "expected findings at \(marked.sorted().joined(separator: ", ")), found them at \(places.sorted().joined(separator: ", "))"
        }
        return nil
    }

    /// One line per example, then the count.
    package static func report(_ outcomes: [Outcome]) -> String {
        var lines = outcomes.map { outcome in
            let what =
                "\(outcome.rule.id) \(outcome.rule.name): example \"\(outcome.example.name)\" (\(outcome.example.fails ? "fails" : "passes"), \(outcome.example.location))"
            return outcome.problem.map { "\(what): FAILED: \($0)" } ?? "\(what): ok"
        }
        let failed = outcomes.filter { $0.problem != nil }.count
        let rules = Set(outcomes.map(\.rule.id)).count
        lines.append(
            "\(rules) rule\(rules == 1 ? "" : "s"), \(outcomes.count) examples: \(outcomes.count - failed) ok, \(failed) failed"
        )
        return lines.joined(separator: "\n") + "\n"
    }
}
