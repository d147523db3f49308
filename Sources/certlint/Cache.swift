import ArgumentParser
import CertLint
import Foundation

struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or clear the fact cache scans of this repository use (what each file's content gave).",
        discussion: """
            The cache is on by default: in the repository's Git folder (.git/certlint/facts), \
            else in $XDG_CACHE_HOME/certlint/facts (or ~/.cache/certlint/facts). CERTLINT_CACHE_DIR \
            places it elsewhere; CERTLINT_CACHE_SIZE bounds it (default 512M; the entries used \
            longest ago go first). `scan --no-cache` neither reads nor writes it.
            """)

    @Argument(help: "A path inside the repository (or the folder) whose cache to show.")
    var path = "."

    @Flag(help: "Print where the cache is, its entries, size and last use (the default).")
    var stats = false

    @Flag(help: "Remove every entry.")
    var clear = false

    func validate() throws {
        if stats && clear { throw ValidationError("--stats and --clear do different things; pass one of them.") }
    }

    func run() throws {
        let settings = try FactCacheSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        let folder = try FactCacheReport.folder(for: path, settings: settings)
        if clear {
            let removed = try FactCacheReport.clear(folder: folder)
            try StandardOutput.write(
                "certlint: cleared the fact cache \(folder) (\(removed) \(removed == 1 ? "file" : "files") removed)\n")
        } else {
            try StandardOutput.write(FactCacheReport(folder: folder, maximumBytes: settings.maximumBytes).text)
        }
    }
}
