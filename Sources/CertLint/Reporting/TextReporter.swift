/// `path:line:col: level: message [CPnnn]`, the source line with a caret, grouped by file, and
/// a summary. Colour only when asked (a terminal without NO_COLOR).
enum TextReporter {
    static func render(_ result: ScanResult, colour: Bool) -> String {
        var out = ""
        var currentPath: String?
        for finding in result.activeFindings {
            if let currentPath, currentPath != finding.location.path { out += "\n" }
            currentPath = finding.location.path
            let level = paint(finding.level.rawValue, colour ? code(finding.level) : nil)
            out +=
                "\(paint(safe(finding.location.description), colour ? "1" : nil)): \(level): \(message(finding.message)) [\(finding.ruleID)]\n"
            if let snippet = finding.snippet {
                let column = finding.snippetColumn ?? finding.location.column
                let expanded = safe(snippet).replacingOccurrences(of: "\t", with: "    ")
                out += "    \(expanded)\n"
                let before = String(String.UnicodeScalarView(snippet.unicodeScalars.prefix(max(column - 1, 0))))
                let prefix = safe(before).map { $0 == "\t" ? "    " : " " }.joined()
                out += "    \(prefix)\(paint("^", colour ? code(finding.level) : nil))\n"
            }
            for related in finding.related {
                out += "    \(safe(related.location.description)): \(message(related.message))\n"
            }
        }
        if !result.notes.isEmpty {
            if !out.isEmpty { out += "\n" }
            for note in result.notes.prefix(20) { out += "note: \(safe(note.path)) \(message(note.message))\n" }
            if result.notes.count > 20 {
                out += "note: … and \(result.notes.count - 20) more (all of them are in --format json and SARIF)\n"
            }
        }
        if !result.baselineUnmatched.isEmpty {
            if !out.isEmpty { out += "\n" }
            for entry in result.baselineUnmatched.prefix(20) {
                out += "baseline: \(entry.rule) \(safe(entry.path)) (\(safe(entry.subject))) no longer occurs\n"
            }
            out +=
                "baseline: \("entry".counted(result.baselineUnmatched.count)) can be pruned with `certlint baseline --prune --output FILE`\n"
        }
        let summary = Summary(result)
        if !out.isEmpty { out += "\n" }
        out +=
            "\("error".counted(summary.errors)), \("warning".counted(summary.warnings)), \("note".counted(summary.notes))"
        if summary.suppressed > 0 { out += " (\(summary.suppressed) suppressed)" }
        if let changed = result.changedFiles { out += " in \("changed file".counted(changed.count))," }
        out += " in \("file".counted(summary.filesScanned)) scanned, \("deployment".counted(summary.deployments)) found"
        out += "; \(result.checks.count) checks made; fail-on \(summary.failOn) → exit \(summary.exitCode)\n"
        return out
    }

    /// A path or snippet: every control character escaped.
    private static func safe(_ text: String) -> String { TerminalText.escaped(text) }

    /// A message: control characters escaped; a message of several lines (a certlint.yaml
    /// suggestion) keeps its line breaks, indented so that no line can pass for a finding.
    private static func message(_ text: String) -> String {
        TerminalText.escaped(text, keepingLineFeeds: true).replacingOccurrences(of: "\n", with: "\n    ")
    }

    private static func code(_ level: Level) -> String {
        switch level {
        case .error: return "1;31"
        case .warning: return "1;33"
        case .note: return "1;36"
        }
    }

    private static func paint(_ text: String, _ code: String?) -> String {
        guard let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
