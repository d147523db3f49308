/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=CPnnn::message`.
enum GitHubReporter {
    static func render(_ result: ScanResult) -> String {
        var out = ""
        for finding in result.activeFindings {
            let command = finding.level == .note ? "notice" : finding.level.rawValue
            var properties =
                "file=\(property(finding.location.path)),line=\(finding.location.line),col=\(finding.location.column)"
            if let endLine = finding.location.endLine { properties += ",endLine=\(endLine)" }
            properties += ",title=\(property("\(finding.ruleID) \(result.catalog.rule(finding.ruleID)?.name ?? "")"))"
            out += "::\(command) \(properties)::\(data(finding.message))\n"
        }
        return out
    }

    /// Escaping of the message part (the runner's `escapeData`); other control characters are
    /// shown as escapes so that they cannot act on the log viewer.
    static func data(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
        return TerminalText.escaped(escaped)
    }

    /// Escaping of property values (the runner's `escapeProperty`).
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
