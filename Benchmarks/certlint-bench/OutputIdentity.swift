import Foundation

extension Run {
    /// The fact cache must not change a byte of what certlint reports: for the working tree,
    /// `--staged` and `--rev HEAD`, the JSON on standard output and the SARIF file of a
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
            var outputs: [(run: String, json: String, sarif: Data)] = []
            for (run, extra) in [("--no-cache", ["--no-cache"]), ("cold", []), ("warm", [])] {
                let sarif = folder + "/\(outputs.count).sarif"
                let json = try capture(
                    binary,
                    ["scan", root.path, "--format", "json", "--fail-on", "never", "--sarif", sarif] + flags + extra)
                outputs.append((run, json, try Data(contentsOf: URL(fileURLWithPath: sarif))))
            }
            for output in outputs.dropFirst() where output.json != outputs[0].json || output.sarif != outputs[0].sarif {
                differences.append("\(name): the \(output.run) run's output differs from --no-cache")
            }
            if outputs[0].json.isEmpty { differences.append("\(name): no JSON output") }
        }
        return differences
    }
}
