import Crypto
import Foundation

/// How serious a finding is; also the `--fail-on` threshold.
enum Level: String, Sendable, Codable, CaseIterable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }
    static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
}

/// A place that explains a finding: the certificate file, the pool, the manifest entry.
struct RelatedLocation: Hashable, Sendable, Codable {
    let location: SourceLocation
    let message: String
    init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = Redactor.redact(message)
    }
}

/// Why a finding does not count: an inline `certlint:ignore` comment or a baseline entry.
struct Suppression: Sendable, Codable, Hashable {
    enum Kind: String, Sendable, Codable {
        /// A `certlint:ignore` comment in the scanned file (SARIF `inSource`).
        case inSource
        /// An entry of the `--baseline` file (SARIF `external`).
        case external
    }
    let kind: Kind
    let justification: String
    /// Where the comment or baseline is.
    let location: SourceLocation?

    init(kind: Kind, justification: String, location: SourceLocation?) {
        self.kind = kind
        self.justification = Redactor.redact(justification)
        self.location = location
    }
}

/// One verdict of one rule about one subject.
package struct Finding: Sendable, Codable, Hashable {
    let ruleID: RuleID
    let level: Level
    let message: String
    let location: SourceLocation
    let related: [RelatedLocation]
    /// A stable logical name such as `deployment access-prod / listener 5262`.
    let subject: String
    /// The text of the primary line, when the file was read: redacted, and cut to
    /// `Redactor.snippetLimit` characters around the column.
    let snippet: String?
    /// The finding's column inside `snippet` (1-based), when the line was cut or redacted.
    let snippetColumn: Int?
    /// rule + subject + path + normalised primary line, hashed; never the line number.
    let fingerprint: String
    /// Set when a suppression or the baseline covers the finding; it then does not fail the run.
    private(set) var suppression: Suppression?

    init(
        ruleID: RuleID, level: Level, message: String, location: SourceLocation,
        related: [RelatedLocation] = [], subject: String, snippet: String? = nil
    ) {
        self.init(
            ruleID: ruleID, level: level, message: message, location: location, related: related, subject: subject,
            snippet: snippet.map { Redactor.snippet($0, column: location.column) })
    }

    private init(
        ruleID: RuleID, level: Level, message: String, location: SourceLocation, related: [RelatedLocation],
        subject: String,
        snippet: (text: String, column: Int)?
    ) {
        self.ruleID = ruleID
        self.level = level
        self.message = Redactor.redact(message)
        self.location = location
        self.related = related
        self.subject = Redactor.redact(subject)
        self.snippet = snippet?.text
        self.snippetColumn = snippet.flatMap { $0.column == location.column ? nil : $0.column }
        self.fingerprint = Finding.fingerprint(
            ruleID: ruleID, subject: self.subject, path: location.path, snippet: self.snippet)
    }

    func with(level: Level) -> Finding {
        var copy = Finding(
            ruleID: ruleID, level: level, message: message, location: location, related: related, subject: subject,
            snippet: snippet.map { ($0, snippetColumn ?? location.column) })
        copy.suppression = suppression
        return copy
    }

    /// The finding with the text of its line as a snippet (redacted and cut here).
    func with(snippet line: String?) -> Finding {
        var copy = Finding(
            ruleID: ruleID, level: level, message: message, location: location, related: related, subject: subject,
            snippet: line)
        copy.suppression = suppression
        return copy
    }

    func with(suppression: Suppression?) -> Finding {
        var copy = self
        copy.suppression = suppression
        return copy
    }

    /// Counts toward `--fail-on` and is shown in text and annotations.
    var isActive: Bool { suppression == nil }

    static func fingerprint(ruleID: RuleID, subject: String, path: String, snippet: String?) -> String {
        let normalised = (snippet ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let digest = SHA256.hash(
            data: Data([ruleID.rawValue, subject, path, normalised].joined(separator: "\u{1F}").utf8))
        return digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Report order: by file, line, column, then rule and subject.
    static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.location != b.location { return a.location < b.location }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        return a.subject < b.subject
    }
}

/// Something the scan wants the user to know that is not a finding: a skipped binary or large
/// file, a submodule not entered, a symbolic link not followed.
package struct ScanNote: Sendable, Codable, Hashable {
    let path: String
    let message: String
    package init(path: String, message: String) {
        self.path = path
        self.message = Redactor.redact(message)
    }
}

/// A value read from a file, with where it was read.
package struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    package let value: Value
    package let location: SourceLocation
    package init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Codable where Value: Codable {}
