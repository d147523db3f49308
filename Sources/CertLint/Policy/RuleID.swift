/// A rule's identity (`CP004`). The built-in ones are generated from `rules/catalog.yaml` by the
/// EmbedRules plugin (`RuleID.cp004`), so a rule that reports a mistyped ID does not compile;
/// a rule pack's come from its file.
///
/// Findings, checks and the catalog carry it typed; outputs write its text (`"CP004"`), and
/// text from users (`certlint explain cp004`, a `certlint:ignore` comment, `settings.rules`) is
/// looked up in the catalog before it becomes one.
package struct RuleID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    package let rawValue: String

    init(rawValue: String) { self.rawValue = rawValue }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    package var description: String { rawValue }

    package static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}
