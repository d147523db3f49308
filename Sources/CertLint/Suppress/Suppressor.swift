import Foundation

/// The Suppress stage: inline `certlint:ignore` directives and the baseline mark findings as
/// suppressed; broken, expired, unknown-rule and unused directives become CP901.
public struct Suppressor {
    /// The rule this stage reports.
    public static let ruleIDs = [RuleID.cp901]
    /// Never suppressible, whatever the settings say.
    public static let alwaysUnsuppressible: Set<String> = ["CP900", "CP901"]

    let catalog: RuleCatalog
    let settings: Settings
    let asOf: Date

    /// Applies directives to findings; returns the findings (some suppressed) with CP901 added,
    /// and the checks made of each directive.
    func apply(_ directives: [SuppressionDirective], to findings: [Finding]) -> (findings: [Finding], checks: [Check]) {
        var result = findings
        var checks: [Check] = []
        var problems: [Finding] = []
        let unsuppressible = Self.alwaysUnsuppressible.union(settings.unsuppressible)
        let level = catalog.rule("CP901")?.level ?? .warning
        var subjects: [String: Int] = [:]
        for directive in directives {
            let base = "file \(directive.location.path) / certlint:ignore \(directive.rules.joined(separator: ","))"
            subjects[base, default: 0] += 1
            let subject = subjects[base]! > 1 ? "\(base) #\(subjects[base]!)" : base
            checks.append(Check(ruleID: "CP901", subject: subject, location: directive.location))
            func problem(_ text: String) {
                problems.append(
                    Finding(
                        ruleID: "CP901", level: level, message: "certlint:ignore \(text)", location: directive.location,
                        subject: subject))
            }
            var invalid = false
            for text in directive.problems {
                problem(text)
                invalid = true
            }
            if directive.rules.isEmpty {
                problem("names no rule; write the rule IDs first, e.g. `certlint:ignore CP002 reason=\"…\"`")
                invalid = true
            }
            if (directive.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                problem("has no reason; a suppression needs reason=\"why this is acceptable\"")
                invalid = true
            }
            if let until = directive.until {
                if let date = try? ScanOptions.date(until) {
                    if date < asOf {
                        problem("expired on \(until); fix the finding or renew the suppression with a later until=")
                        invalid = true
                    }
                } else {
                    problem("until=\(until) is not a date; write until=YYYY-MM-DD")
                    invalid = true
                }
            }
            var rules: [String] = []
            for rule in directive.rules {
                if catalog.rule(rule) == nil {
                    problem("names \(rule), which is not a rule of the catalog (`certlint rules` lists them)")
                } else if unsuppressible.contains(rule) {
                    problem(
                        "cannot suppress \(rule): \(Self.alwaysUnsuppressible.contains(rule) ? "certlint never suppresses it" : "settings.unsuppressible lists it")"
                    )
                } else {
                    rules.append(rule)
                }
            }
            guard !invalid else { continue }
            for rule in rules {
                var used = false
                for index in result.indices
                where result[index].isActive && result[index].ruleID == rule
                    && result[index].location.path == directive.location.path
                    && directive.lines.contains(result[index].location.line)
                {
                    result[index] = result[index].with(
                        suppression: Suppression(
                            kind: .inSource, justification: directive.reason ?? "", location: directive.location))
                    used = true
                }
                if !used {
                    problem(
                        "\(rule) suppresses nothing: no \(rule) finding on line\(directive.lines.count > 2 ? "s \(directive.lines.lowerBound)–\(directive.lines.upperBound)" : " \(directive.lines.lowerBound) or \(directive.lines.upperBound)"); remove it"
                    )
                }
            }
        }
        return (result + problems, checks)
    }
}
