/// JUnit XML as Jenkins, GitLab and GitHub test reporters read it: a `<testsuite>` per rule, a
/// `<testcase>` per rule × subject that was checked (passes included), `<failure>` for
/// findings, `<error>` for parse failures (CP900).
enum JUnitReporter {
    static func render(_ result: ScanResult) -> String {
        var findingsByCase: [String: [Finding]] = [:]
        for finding in result.findings {
            findingsByCase[key(finding.ruleID, finding.subject), default: []].append(finding)
        }
        var subjectsByRule: [RuleID: [String]] = [:]
        var seen: Set<String> = []
        for check in result.checks where seen.insert(key(check.ruleID, check.subject)).inserted {
            subjectsByRule[check.ruleID, default: []].append(check.subject)
        }

        var suites = ""
        var totals = (tests: 0, failures: 0, errors: 0)
        for rule in result.catalog.rules {
            let subjects = (subjectsByRule[rule.id] ?? []).sorted()
            var cases = ""
            var failures = 0
            var errors = 0
            var skipped = 0
            for subject in subjects {
                let found = findingsByCase[key(rule.id, subject)] ?? []
                cases +=
                    "    <testcase name=\"\(escape(subject))\" classname=\"certlint.\(rule.id).\(escape(rule.name))\" time=\"0.000\""
                guard !found.isEmpty else {
                    cases += "/>\n"
                    continue
                }
                cases += ">\n"
                for finding in found {
                    if let suppression = finding.suppression {
                        skipped += 1
                        cases +=
                            "      <skipped message=\"\(escape("suppressed: \(suppression.justification)"))\">\(escape("\(finding.location.path):\(finding.location.line): \(finding.message) [\(finding.ruleID)]"))</skipped>\n"
                        continue
                    }
                    let element = rule.id == .cp900 ? "error" : "failure"
                    if element == "error" { errors += 1 } else { failures += 1 }
                    cases +=
                        "      <\(element) message=\"\(escape(finding.message))\" type=\"\(finding.level.rawValue)\">\(escape("\(finding.location.path):\(finding.location.line): \(finding.message) [\(finding.ruleID)]"))</\(element)>\n"
                }
                cases += "    </testcase>\n"
            }
            totals.tests += subjects.count
            totals.failures += failures
            totals.errors += errors
            suites +=
                "  <testsuite name=\"\(rule.id) \(escape(rule.name))\" tests=\"\(subjects.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"0.000\""
            suites += cases.isEmpty ? "/>\n" : ">\n\(cases)  </testsuite>\n"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="certlint" tests="\(totals.tests)" failures="\(totals.failures)" errors="\(totals.errors)" time="0.000">

            """ + suites + "</testsuites>\n"
    }

    private static func key(_ rule: RuleID, _ subject: String) -> String { rule.rawValue + "\u{1F}" + subject }

    /// XML attribute and text escaping; characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out += "&#\(scalar.value);"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                // DEL, C1 and the bidirectional overrides: kept, as references a viewer shows inert.
                if TerminalText.needsEscape(scalar, keepingLineFeeds: true) {
                    out += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
                    continue
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
