import Foundation

extension Run {
    /// The fact cache must not change a byte of what certlint reports: for the working tree,
    /// `--staged` and `--rev HEAD`, the JSON on standard output and the SARIF and JUnit files of a
    /// `--no-cache` run, a cold run (cache emptied) and a warm one (filled by the cold one) must be
    /// equal. Returns one line per mode that differs.
    func outputDifferences(_ binary: String, root: URL) throws -> [String] {
        let folder = NSTemporaryDirectory() + "certlint-bench-identity-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = folder + "/cache"
        setenv("CERTLINT_CACHE_DIR", cache, 1)
        defer { unsetenv("CERTLINT_CACHE_DIR") }
        var differences: [String] = []
        for (name, flags) in [("working tree", []), ("--staged", ["--staged"]), ("--rev HEAD", ["--rev", "HEAD"])] {
            try? FileManager.default.removeItem(atPath: cache)
            var outputs: [(run: String, json: String, files: [Data])] = []
            for (run, extra) in [("--no-cache", ["--no-cache"]), ("cold", []), ("warm", [])] {
                let (sarif, junit) = (folder + "/\(outputs.count).sarif", folder + "/\(outputs.count).xml")
                let json = try capture(
                    binary,
                    ["scan", root.path, "--format", "json", "--fail-on", "never", "--sarif", sarif, "--junit", junit]
                        + flags + extra)
                let files = try [sarif, junit].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
                outputs.append((run, json, files))
            }
            for output in outputs.dropFirst() where output.json != outputs[0].json || output.files != outputs[0].files {
                differences.append("\(name): the \(output.run) run's output differs from --no-cache")
            }
            if outputs[0].json.isEmpty { differences.append("\(name): no JSON output") }
        }
        return differences
    }
}
