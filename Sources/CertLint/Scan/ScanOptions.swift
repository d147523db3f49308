import Foundation

/// What `certlint scan` was asked to do, after the command line was read.
public struct ScanOptions: Sendable {
    public var paths: [String] = ["."]
    public var mode: SourceMode = .workingTree
    /// `--config FILE`; nil means certlint.yaml or .certlint.yaml at the repository root.
    public var configPath: String?
    public var rulePacks: [String] = []
    /// The reference date for expiry rules.
    public var asOf: Date = ScanOptions.today()
    /// `--fail-on`; nil leaves it to settings.fail-on.
    public var failOn: FailThreshold?
    /// `--baseline FILE`: findings in it are reported as suppressed.
    public var baselinePath: String?
    /// `--diff-base REV`: report only findings in files changed since REV (or its merge base).
    public var diffBase: String?
    /// How many files are parsed at once (`--jobs`); 1 parses on one thread.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// The start of today, UTC.
    public static func today() -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: Date())
    }

    /// Reads `YYYY-MM-DD` as the start of that day, UTC.
    public static func date(_ text: String) throws -> Date {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { throw CertLintError.invalidDate(text) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else {
            throw CertLintError.invalidDate(text)
        }
        return date
    }
}

/// Everything one scan produced; reporters turn it into bytes.
public struct ScanResult: Sendable {
    public let findings: [Finding]
    public let checks: [Check]
    public let notes: [ScanNote]
    public let catalog: RuleCatalog
    public let settings: Settings
    public let failOn: FailThreshold
    public let provenance: Provenance?
    /// Absolute path of the repository (or folder) root.
    public let root: String
    public let filesScanned: Int
    public let topology: Topology
    /// Baseline entries no finding matched any more (prune them with `certlint baseline --prune`).
    public let baselineUnmatched: [BaselineEntry]
    /// With `--diff-base`: the files whose findings are reported.
    public let changedFiles: Set<String>?
    /// The CAs devices trust, as the settings chose them (live checks judge presented chains with it).
    public let trustStore: TrustStore
    /// The reference date for expiry.
    public let asOf: Date
    /// The files the scan read, for the snippets of findings made later.
    public let sources: ScannedTexts

    /// The same run reporting other findings and checks (the live results of `verify` and `proxy`).
    public func replacing(findings: [Finding], checks: [Check], notes: [ScanNote]) -> ScanResult {
        ScanResult(
            findings: findings.sorted(by: Finding.reportOrder), checks: checks, notes: notes, catalog: catalog,
            settings: settings,
            failOn: failOn, provenance: provenance, root: root, filesScanned: filesScanned, topology: topology,
            baselineUnmatched: [], changedFiles: nil, trustStore: trustStore, asOf: asOf, sources: sources)
    }

    /// Findings that count: not suppressed inline or by the baseline.
    public var activeFindings: [Finding] { findings.filter(\.isActive) }

    /// 0 when no active finding reaches the threshold, 1 otherwise.
    public var exitCode: Int32 { activeFindings.contains { failOn.fails($0.level) } ? 1 : 0 }
}
