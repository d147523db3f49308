import ArgumentParser
import CertLint
import Foundation

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan a repository (or folders and files inside one) and report findings.",
        discussion: "Exit codes: 0 nothing unsuppressed at or above --fail-on, 1 findings at or above it, 2 the run failed.")

    @OptionGroup var source: SourceArguments
    @OptionGroup var outputs: ReportOutputs

    @Option(help: "Report findings in this baseline file (from `certlint baseline`) as suppressed.")
    var baseline: String?

    func run() async throws {
        try outputs.emit(try await Scanner.scan(try source.options(baseline: baseline)))
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

    /// Writes every output and ends with the run's exit code (0 or 1).
    func emit(_ result: ScanResult) throws {
        for (path, format) in [(sarif, OutputFormat.sarif), (junit, .junit), (json, .json)] {
            guard let path else { continue }
            try write(format.render(result), to: path)
        }
        let colour = format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        FileHandle.standardOutput.write(Data(format.render(result, colour: colour).utf8))
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

func write(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw CertLintError.configurationUnreadable(path: path, reason: "cannot be written (\(error.localizedDescription))")
    }
}
