import ArgumentParser
import CertLint
import Foundation

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan a repository (or folders and files inside one) and report findings.",
        discussion:
            "Exit codes: 0 nothing unsuppressed at or above --fail-on, 1 findings at or above it, 2 the run failed.")

    @OptionGroup var source: SourceArguments
    @OptionGroup var outputs: ReportOutputs

    @Option(help: "Report findings in this baseline file (from `certlint baseline`) as suppressed.")
    var baseline: String?

    func run() async throws {
        let files = try outputs.files()
        try outputs.emit(try await Scanner.scan(try source.options(baseline: baseline)), to: files)
    }
}

/// Where a run's findings go: one format on standard output, more formats to files.
struct ReportOutputs: ParsableArguments {
    @Option(help: "What goes to standard output: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(help: "Also write SARIF 2.1.0 to this file.")
    var sarif: String?

    @Option(help: "Also write JUnit XML to this file.")
    var junit: String?

    @Option(help: "Also write JSON to this file.")
    var json: String?

    /// The output files, checked before the run does any work.
    func files() throws -> [(OutputFile, OutputFormat)] {
        var files: [(OutputFile, OutputFormat)] = []
        for (path, format) in [(sarif, OutputFormat.sarif), (junit, .junit), (json, .json)] {
            guard let path else { continue }
            files.append((try OutputFile(path), format))
        }
        return files
    }

    /// Writes every output and ends with the run's exit code (0 or 1).
    func emit(_ result: ScanResult, to files: [(OutputFile, OutputFormat)]) throws {
        for (file, format) in files {
            try file.write(format.render(result))
        }
        let colour =
            format == .text && isatty(STDOUT_FILENO) == 1
            && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        try StandardOutput.write(format.render(result, colour: colour))
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
