/// The `--fail-on` threshold: findings at or above it make the exit code 1.
package enum FailThreshold: String, Sendable, CaseIterable, Codable {
    case error, warning, note, never

    func fails(_ level: Level) -> Bool {
        switch self {
        case .never: return false
        case .error: return level >= .error
        case .warning: return level >= .warning
        case .note: return true
        }
    }
}

/// What `settings.rules` may set a rule to.
enum RuleSetting: String, Sendable, CaseIterable {
    case off, note, warning, error

    var level: Level? { Level(rawValue: rawValue) }
}

/// The `settings` block of the root `certlint.yaml`, with defaults.
package struct Settings: Sendable {
    var failOn: FailThreshold = .error
    var exclude: [PathGlob] = []
    var expiryWarningDays = 30
    var systemTrust = true
    var trustAnchors: [FileReference] = []
    var rules: [String: Located<String>] = [:]
    var maxFileSize = 5 * 1024 * 1024
    /// Rules no `certlint:ignore` may silence (CP900 and CP901 never can be).
    var unsuppressible: Set<String> = []
    var unsuppressibleLocation: SourceLocation?
    /// Where each setting came from (`certlint.yaml:4`, `command line`); absent means the default.
    var sources: [String: String] = [:]
    /// The file the settings came from, if any.
    var source: String?

    init() {}
}
