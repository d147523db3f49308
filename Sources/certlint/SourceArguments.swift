import ArgumentParser
import CertLint
import Foundation

/// What to read and how to judge it: the options `scan`, `baseline` and `config` share.
struct SourceArguments: ParsableArguments {
    @Argument(help: "Repository, folder or file to scan.")
    var paths: [String] = ["."]

    @Option(help: "Scan the tree of this commit instead of the working tree.")
    var rev: String?

    @Flag(help: "Scan the index: what `git commit` would record.")
    var staged = false

    @Option(help: "Settings file (default: certlint.yaml or .certlint.yaml at the repository root).")
    var config: String?

    @Option(name: .customLong("rules"), help: "A rule pack folder to add (repeatable).")
    var rulePacks: [String] = []

    @Option(
        help:
            "Exit 1 when an unsuppressed finding is at or above this level: error, warning, note, never (default: settings.fail-on, else error)."
    )
    var failOn: FailThreshold?

    @Option(help: "Reference date for expiry rules and suppression expiry, YYYY-MM-DD (default: today, UTC).")
    var asOf: String?

    @Option(help: "Report only findings in files changed since this revision (or its merge base with what is scanned).")
    var diffBase: String?

    @Option(help: "Files parsed at once (default: the number of cores; 1 parses on one thread).")
    var jobs: Int?

    @Flag(
        help:
            "Do not read or write the fact cache (by default .git/certlint/facts, else ~/.cache/certlint/facts; CERTLINT_CACHE_DIR and CERTLINT_CACHE_SIZE place and bound it)."
    )
    var noCache = false

    func validate() throws {
        if staged && rev != nil {
            throw ValidationError("--staged and --rev choose different sources; pass one of them.")
        }
        if let jobs, jobs < 1 || jobs > 1024 { throw ValidationError("--jobs must be from 1 to 1024.") }
    }

    func options(baseline: String? = nil) throws -> ScanOptions {
        var options = ScanOptions()
        options.paths = paths
        options.mode = staged ? .index : rev.map { .revision($0) } ?? .workingTree
        options.configPath = config
        options.rulePacks = rulePacks
        options.failOn = failOn
        options.diffBase = diffBase
        options.baselinePath = baseline
        if let jobs { options.jobs = jobs }
        options.factCache = try FactCacheSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        options.factCache.enabled = !noCache
        if let asOf { options.asOf = try ScanOptions.date(asOf) }
        return options
    }
}
