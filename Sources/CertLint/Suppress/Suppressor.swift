import Foundation

/// The Suppress stage: inline `certlint:ignore` directives and the baseline mark findings as
/// suppressed; broken, expired, unknown-rule and unused directives become CP901.
struct Suppressor {
    /// The rule this stage reports.
    static let ruleIDs = [RuleID.cp901]
    /// Never suppressible, whatever the settings say.
    static let alwaysUnsuppressible: Set<RuleID> = [.cp900, .cp901]

    let catalog: RuleCatalog
    let settings: Settings
    let asOf: Date

    /// The rule IDs no directive may suppress under these settings: certlint's own and `settings.unsuppressible`.
    static func unsuppressible(_ settings: Settings) -> Set<String> {
        Set(alwaysUnsuppressible.map(\.rawValue)).union(settings.unsuppressible)
    }

    /// Applies directives to findings; returns the findings (some suppressed) with CP901 added,
    /// and the checks made of each directive.
    func apply(_ directives: [SuppressionDirective], to findings: [Finding]) -> (findings: [Finding], checks: [Check]) {
        var result = findings
        var checks: [Check] = []
        var problems: [Finding] = []
        let level = catalog.rule(.cp901)?.level ?? .warning
        var subjects: [String: Int] = [:]
        for directive in directives {
            let base = "file \(directive.location.path) / certlint:ignore \(directive.rules.joined(separator: ","))"
            subjects[base, default: 0] += 1
            let count = subjects[base, default: 1]
            let subject = count > 1 ? "\(base) #\(count)" : base
            checks.append(Check(ruleID: .cp901, subject: subject, location: directive.location))
            let invalid = validity(of: directive)
            let (rules, ruleProblems) = suppressibleRules(of: directive)
            var messages = invalid + ruleProblems
            for rule in rules where invalid.isEmpty && !suppress(rule, by: directive, in: &result) {
                let lines =
                    directive.lines.count > 2
                    ? "s \(directive.lines.lowerBound)–\(directive.lines.upperBound)"
                    : " \(directive.lines.lowerBound) or \(directive.lines.upperBound)"
                messages.append("\(rule) suppresses nothing: no \(rule) finding on line\(lines); remove it")
            }
            problems += messages.map { text in
                Finding(
                    ruleID: .cp901, level: level, message: "certlint:ignore \(text)", location: directive.location,
                    subject: subject)
            }
        }
        return (result + problems, checks)
    }

    /// What makes a directive invalid (it then suppresses nothing): its own syntax problems, no
    /// rule, no reason, an expired or unreadable `until=`.
    func validity(of directive: SuppressionDirective) -> [String] {
        var problems = directive.problems
        if directive.rules.isEmpty {
            problems.append("names no rule; write the rule IDs first, e.g. `certlint:ignore CP002 reason=\"…\"`")
        }
        if (directive.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("has no reason; a suppression needs reason=\"why this is acceptable\"")
        }
        if let until = directive.until {
            if let date = try? ScanOptions.date(until) {
                if date < asOf {
                    problems.append(
                        "expired on \(until); fix the finding or renew the suppression with a later until=")
                }
            } else {
                problems.append("until=\(until) is not a date; write until=YYYY-MM-DD")
            }
        }
        return problems
    }

    /// The directive's rules that may be suppressed, and why each other one may not.
    func suppressibleRules(of directive: SuppressionDirective) -> (rules: [String], problems: [String]) {
        let unsuppressible = Self.unsuppressible(settings)
        var rules: [String] = []
        var problems: [String] = []
        for rule in directive.rules {
            if catalog.rule(named: rule) == nil {
                problems.append("names \(rule), which is not a rule of the catalog (`certlint rules` lists them)")
            } else if unsuppressible.contains(rule) {
                let why =
                    Self.alwaysUnsuppressible.contains(RuleID(rawValue: rule))
                    ? "certlint never suppresses it" : "settings.unsuppressible lists it"
                problems.append("cannot suppress \(rule): \(why)")
            } else {
                rules.append(rule)
            }
        }
        return (rules, problems)
    }

    /// Marks the active findings of `rule` on the directive's lines as suppressed; false when there are none.
    func suppress(_ rule: String, by directive: SuppressionDirective, in findings: inout [Finding]) -> Bool {
        var used = false
        for index in findings.indices
        where findings[index].isActive && findings[index].ruleID.rawValue == rule
            && findings[index].location.path == directive.location.path
            && directive.lines.contains(findings[index].location.line)
        {
            findings[index] = findings[index].with(
                suppression: Suppression(
                    kind: .inSource, justification: directive.reason ?? "", location: directive.location))
            used = true
        }
        return used
    }
}
