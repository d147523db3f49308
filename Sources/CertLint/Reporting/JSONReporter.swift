import Foundation

/// certlint's own JSON document, version 1: tool, findings with every field, notes, summary.
enum JSONReporter {
    static let schemaVersion = 1

    struct Document: Encodable {
        let schemaVersion: Int
        let tool: Tool
        let findings: [JSONFinding]
        let notes: [ScanNote]
        let baselineUnmatched: [BaselineEntry]
        let summary: Summary
    }

    struct Tool: Encodable {
        let name: String
        let version: String
    }

    struct JSONFinding: Encodable {
        let ruleId: String
        let ruleName: String
        let level: Level
        let message: String
        let location: SourceLocation
        let related: [RelatedLocation]
        let subject: String
        let fingerprint: String
        let snippet: String?
        let suppression: Suppression?
    }

    static func render(_ result: ScanResult) -> String {
        let document = Document(
            schemaVersion: schemaVersion, tool: Tool(name: "certlint", version: certlintVersion),
            findings: result.findings.map {
                JSONFinding(
                    ruleId: $0.ruleID.rawValue, ruleName: result.catalog.rule($0.ruleID)?.name ?? $0.ruleID.rawValue,
                    level: $0.level,
                    message: $0.message, location: $0.location, related: $0.related, subject: $0.subject,
                    fingerprint: $0.fingerprint, snippet: $0.snippet, suppression: $0.suppression)
            },
            notes: result.notes, baselineUnmatched: result.baselineUnmatched, summary: Summary(result))
        return encode(document)
    }

    /// JSON with DEL, C1 and the bidirectional overrides written as `\\uXXXX` escapes (the
    /// encoder escapes C0 only), so a viewer of the raw file is not misled.
    static func inertControls(_ json: String) -> String {
        guard
            json.unicodeScalars.contains(where: {
                TerminalText.needsEscape($0, keepingLineFeeds: true) && $0.value >= 0x7F
            })
        else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x7F && TerminalText.needsEscape(scalar, keepingLineFeeds: true) {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return inertControls(String(decoding: data, as: UTF8.self)) + "\n"
    }
}
