import ArgumentParser
import CertLint
import Foundation

struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Write today's findings to a baseline file, so a gate fails only on new ones.",
        discussion:
            "Entries are keyed by rule, path, subject and fingerprint (no line numbers), sorted for review. With --prune, entries whose finding is gone are dropped and nothing is added."
    )

    @OptionGroup var source: SourceArguments

    @Option(help: "The baseline file to write (with --prune: to read and rewrite).")
    var output: String

    @Flag(help: "Drop entries that no longer match a finding; add none.")
    var prune = false

    func run() async throws {
        let file = try OutputFile(output)
        if prune {
            let existing = try Baseline.read(output)
            let result = try await Scanner.scan(try source.options(baseline: output))
            let gone = Set(result.baselineUnmatched)
            let kept = existing.entries.filter { !gone.contains($0) }
            try file.write(Baseline(entries: kept).rendered())
            try StandardOutput.write(
                "certlint: pruned \(gone.count) of \(existing.entries.count) baseline entries; \(kept.count) remain in \(TerminalText.escaped(output))\n"
            )
        } else {
            let result = try await Scanner.scan(try source.options())
            let baseline = Baseline(findings: result.findings)
            try file.write(baseline.rendered())
            try StandardOutput.write(
                "certlint: wrote \(baseline.entries.count) baseline entr\(baseline.entries.count == 1 ? "y" : "ies") to \(TerminalText.escaped(output))\n"
            )
        }
    }
}

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the effective settings and where each came from (command line > certlint.yaml > default).")

    @OptionGroup var source: SourceArguments

    func run() throws {
        try StandardOutput.write(SettingsReport.render(try Scanner.effectiveSettings(try source.options())))
    }
}

struct InstallHook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-hook",
        abstract: "Write a Git pre-commit hook that runs `certlint scan --staged`.")

    @Argument(help: "A path inside the repository to protect.")
    var path = "."

    @Flag(help: "Replace a pre-commit hook certlint did not write (it is kept as pre-commit.certlint-backup).")
    var force = false

    func run() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let certlint = FileManager.default.isExecutableFile(atPath: binary) ? binary : "certlint"
        let installation = try HookInstaller.install(in: path, certlint: certlint, force: force)
        try StandardOutput.write(
            "certlint: installed \(installation.hookPath)"
                + (installation.backupPath.map { "; the previous hook is now \($0)" } ?? "") + "\n")
    }
}
