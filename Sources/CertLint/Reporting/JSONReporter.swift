import Foundation

/// certlint's own JSON document, version 1: tool, findings with every field, notes, summary.
public enum JSONReporter {
    public static let schemaVersion = 1

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

    public static func render(_ result: ScanResult) -> String {
        let document = Document(
            schemaVersion: schemaVersion, tool: Tool(name: "certlint", version: certlintVersion),
            findings: result.findings.map {
                JSONFinding(
                    ruleId: $0.ruleID, ruleName: result.catalog.rule($0.ruleID)?.name ?? $0.ruleID, level: $0.level,
                    message: $0.message, location: $0.location, related: $0.related, subject: $0.subject,
                    fingerprint: $0.fingerprint, snippet: $0.snippet, suppression: $0.suppression)
            },
            notes: result.notes, baselineUnmatched: result.baselineUnmatched, summary: Summary(result))
        return encode(document)
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
