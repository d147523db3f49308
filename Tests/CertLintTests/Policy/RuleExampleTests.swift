import Foundation
import Testing

@testable import CertLint

/// Every built-in rule's examples, through the one-rule harness: a triggering example yields
/// exactly the findings its `↓` marks (and `locations`) say, an allowed one none of the rule's.
@Suite struct RuleExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: any Rule
        let example: RuleExample
        var testDescription: String { "\(example.id) \(example.triggers ? "catches" : "allows") \(example.what)" }
    }

    static let cases = builtInRules.flatMap { rule in rule.examples.map { Case(rule: rule, example: $0) } }

    @Test(arguments: cases) func example(_ item: Case) async throws {
        let (texts, certificates) = item.example.markedFiles
        var files: [String: [UInt8]] = [:]
        var expected = item.example.locations.map { "\(item.example.id) \($0)" }
        for (path, text) in texts {
            let (clean, marks) = RuleExample.unmarked(text)
            files[path] = Array(clean.utf8)
            expected += marks.map { "\(item.example.id) \(path):\($0.line):\($0.column)" }
        }
        for (path, name) in certificates { files[path] = Array(Fixtures.certificate(name).utf8) }
        let evaluation = try await RuleHarness.evaluate(item.rule, files: files, asOf: Fixtures.asOf)
        let found = evaluation.findings.map {
            "\($0.ruleID) \($0.location.path):\($0.location.line):\($0.location.column)"
        }
        #expect(found.sorted() == expected.sorted(), "\(evaluation.findings.map(\.message))")
        #expect(item.example.triggers == !expected.isEmpty, "a triggering example marks where its findings land")
        if !item.example.messages.isEmpty {
            #expect(evaluation.findings.map(\.message) == item.example.messages)
        }
    }

    @Test func everyRuleShowsWhatEachOfItsIDsCatchesAndSomethingItAllows() {
        for rule in builtInRules {
            for id in rule.ruleIDs {
                #expect(rule.examples.contains { $0.id == id && $0.triggers }, "\(type(of: rule)): no example of \(id)")
            }
            #expect(rule.examples.contains { !$0.triggers }, "\(type(of: rule)): no allowed example")
        }
    }
}
