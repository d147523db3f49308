/// The `--fail-on` threshold: findings at or above it make the exit code 1.
public enum FailThreshold: String, Sendable, CaseIterable, Codable {
    case error, warning, note, never

    public func fails(_ level: Level) -> Bool {
        switch self {
        case .never: return false
        case .error: return level >= .error
        case .warning: return level >= .warning
        case .note: return true
        }
    }
}

/// What `settings.rules` may set a rule to.
public enum RuleSetting: String, Sendable, CaseIterable {
    case off, note, warning, error

    public var level: Level? { Level(rawValue: rawValue) }
}

/// The `settings` block of the root `certlint.yaml`, with defaults.
public struct Settings: Sendable {
    public var failOn: FailThreshold = .error
    public var exclude: [PathGlob] = []
    public var expiryWarningDays = 30
    public var systemTrust = true
    public var trustAnchors: [FileReference] = []
    public var rules: [String: Located<String>] = [:]
    public var maxFileSize = 5 * 1024 * 1024
    /// Rules no `certlint:ignore` may silence (CP900 and CP901 never can be).
    public var unsuppressible: Set<String> = []
    var unsuppressibleLocation: SourceLocation?
    /// Where each setting came from (`certlint.yaml:4`, `command line`); absent means the default.
    public var sources: [String: String] = [:]
    /// The file the settings came from, if any.
    public var source: String?

    public init() {}
}
