import ArgumentParser
import CertLint
import Foundation

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan a repository (or folders and files inside one) and report findings.",
        discussion: "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 the run failed.")

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

    @Option(help: "What goes to standard output: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(help: "Also write SARIF 2.1.0 to this file.")
    var sarif: String?

    @Option(help: "Also write JUnit XML to this file.")
    var junit: String?

    @Option(help: "Also write JSON to this file.")
    var json: String?

    @Option(help: "Exit 1 when a finding is at or above this level: error, warning, note, never (default: settings.fail-on, else error).")
    var failOn: FailThreshold?

    @Option(help: "Reference date for expiry rules, YYYY-MM-DD (default: today, UTC).")
    var asOf: String?

    func validate() throws {
        if staged && rev != nil { throw ValidationError("--staged and --rev choose different sources; pass one of them.") }
    }

    func run() async throws {
        var options = ScanOptions()
        options.paths = paths
        options.mode = staged ? .index : rev.map { .revision($0) } ?? .workingTree
        options.configPath = config
        options.rulePacks = rulePacks
        options.failOn = failOn
        if let asOf { options.asOf = try ScanOptions.date(asOf) }
        let result = try await Scanner.scan(options)

        for (path, format) in [(sarif, OutputFormat.sarif), (junit, .junit), (json, .json)] {
            guard let path else { continue }
            do {
                try format.render(result).write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CertLintError.configurationUnreadable(path: path, reason: "cannot be written (\(error.localizedDescription))")
            }
        }
        let colour = format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        FileHandle.standardOutput.write(Data(format.render(result, colour: colour).utf8))
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
