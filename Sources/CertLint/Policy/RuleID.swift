/// A rule's identity (`CP004`). The built-in ones are generated from `rules/catalog.yaml` by the
/// EmbedRules plugin (`RuleID.cp004`), so a rule that reports a mistyped ID does not compile;
/// a rule pack's come from its file.
public struct RuleID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}
