import Foundation

/// What `certlint scan` was asked to do, after the command line was read.
package struct ScanOptions: Sendable {
    package var paths: [String] = ["."]
    package var mode: SourceMode = .workingTree
    /// `--config FILE`; nil means certlint.yaml or .certlint.yaml at the repository root.
    package var configPath: String?
    package var rulePacks: [String] = []
    /// The reference date for expiry rules.
    package var asOf: Date = ScanOptions.today()
    /// `--fail-on`; nil leaves it to settings.fail-on.
    package var failOn: FailThreshold?
    /// `--baseline FILE`: findings in it are reported as suppressed.
    package var baselinePath: String?
    /// `--diff-base REV`: report only findings in files changed since REV (or its merge base).
    package var diffBase: String?
    /// How many files are parsed at once (`--jobs`); 1 parses on one thread.
    package var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// The fact cache (`--no-cache`, `CERTLINT_CACHE_DIR`, `CERTLINT_CACHE_SIZE`).
    package var factCache = FactCacheSettings()

    package init() {}

    /// The start of today, UTC.
    static func today() -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: Date())
    }

    /// Reads `YYYY-MM-DD` as the start of that day, UTC.
    package static func date(_ text: String) throws -> Date {
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
package struct ScanResult: Sendable {
    package let findings: [Finding]
    let checks: [Check]
    let notes: [ScanNote]
    let catalog: RuleCatalog
    let settings: Settings
    let failOn: FailThreshold
    let provenance: Provenance?
    /// Absolute path of the repository (or folder) root.
    package let root: String
    let filesScanned: Int
    package let topology: Topology
    /// Baseline entries no finding matched any more (prune them with `certlint baseline --prune`).
    package let baselineUnmatched: [BaselineEntry]
    /// With `--diff-base`: the files whose findings are reported.
    let changedFiles: Set<String>?
    /// The CAs devices trust, as the settings chose them (live checks judge presented chains with it).
    let trustStore: TrustStore
    /// The reference date for expiry.
    let asOf: Date
    /// The files the scan read, for the snippets of findings made later.
    let sources: ScannedTexts

    /// The same run reporting other findings and checks (the live results of `verify` and `proxy`).
    func replacing(findings: [Finding], checks: [Check], notes: [ScanNote]) -> ScanResult {
        ScanResult(
            findings: findings.sorted(by: Finding.reportOrder), checks: checks, notes: notes, catalog: catalog,
            settings: settings,
            failOn: failOn, provenance: provenance, root: root, filesScanned: filesScanned, topology: topology,
            baselineUnmatched: [], changedFiles: nil, trustStore: trustStore, asOf: asOf, sources: sources)
    }

    /// Findings that count: not suppressed inline or by the baseline.
    var activeFindings: [Finding] { findings.filter(\.isActive) }

    /// 0 when no active finding reaches the threshold, 1 otherwise.
    package var exitCode: Int32 { activeFindings.contains { failOn.fails($0.level) } ? 1 : 0 }
}
