import ArgumentParser
import CertLint
import CertLintBenchmarkKit
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `certlint-bench`: generates a synthetic infrastructure repository, checks certlint's verdicts
/// against the generator's, and times each scan mode in fresh processes against the read floor.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certlint-bench",
        abstract: "Benchmark certlint on a generated repository (build with `swift build -c release` first).",
        subcommands: [Run.self, Read.self],
        defaultSubcommand: Run.self)
}

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every file of a repository through libgit2, parsing nothing (the floor).")
    @Argument var repository: String
    func run() throws {
        let (files, bytes) = try ReadFloor.readEverything(at: repository)
        print("\(files) \(bytes)")
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate, check, and time.")

    @Option(help: "Files in the generated repository.") var files = 10_000
    @Option(help: "Workspace ONE Access deployments in it.") var deployments = 50
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(help: "Runs of each measurement (fresh processes).") var repetitions = 5
    @Option(help: "Where to generate the repository.") var work: String?
    @Option(help: "The certlint binary (default: the one beside this benchmark).") var certlint: String?
    @Flag(help: "Do not run checkov even when it is installed (it takes minutes per run).") var skipCheckov = false
    @Flag(help: "Do not count instructions with valgrind even when it is installed.") var skipInstructions = false

    func run() throws {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let binary = certlint ?? own.deletingLastPathComponent().appendingPathComponent("certlint").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError(
                "no certlint binary at \(binary); run `swift build -c release` first or pass --certlint")
        }
        let certificates = try Self.certificates(own)
        var generator = RepositoryGenerator(certificates: certificates)
        generator.files = files
        generator.deployments = deployments
        generator.seed = seed
        let root = URL(fileURLWithPath: work ?? NSTemporaryDirectory() + "certlint-bench-\(files)-\(seed)")
        let generationStart = Date()
        let expected = try generator.generate(at: root)
        print(
            "generated \(expected.files) files, \(deployments) deployments in \(root.path) (\(String(format: "%.1f", Date().timeIntervalSince(generationStart))) s)"
        )

        // Correctness first: the verdicts must be the generator's.
        let json = try capture(binary, ["scan", root.path, "--format", "json", "--fail-on", "never"])
        let mismatches = compare(json, expected.verdicts)
        print(
            mismatches.isEmpty
                ? "verdicts: \(deployments) of \(deployments) deployments as expected"
                : "verdicts: \(mismatches.count) deployments differ: \(mismatches.prefix(5).joined(separator: "; "))")

        let differences = try outputDifferences(binary, root: root)
        print(
            differences.isEmpty
                ? "outputs: JSON, SARIF and JUnit identical with --no-cache, cold and warm cache (working tree, --staged, --rev HEAD)"
                : "outputs: " + differences.joined(separator: "; "))

        let floor = try capture(own.path, ["read", root.path]).split(separator: " ").compactMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let totalFiles = floor.first ?? expected.files
        let totalBytes = floor.count > 1 ? floor[1] : 0

        let rows = try measurements(binary, own: own, root: root)
        printTable(rows, files: totalFiles, bytes: totalBytes)
        reportInstructions(binary, root: root)
        if skipCheckov {
            print("checkov: skipped (--skip-checkov)")
        } else if which("checkov") == nil {
            print("checkov: not installed, not measured")
        }
        if !mismatches.isEmpty || !differences.isEmpty { throw ExitCode(1) }
    }

    /// The test certificates the generated deployments present, from the package's fixtures.
    static func certificates(_ own: URL) throws -> [String: String] {
        let package = own.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let certificateFolder =
            ["", "../"].map { package.appendingPathComponent("\($0)Tests/CertLintTests/Fixtures/certs") }.first {
                FileManager.default.fileExists(atPath: $0.path)
            } ?? URL(fileURLWithPath: "Tests/CertLintTests/Fixtures/certs")
        var certificates: [String: String] = [:]
        for name in ["ca", "wildcard", "san-shared", "san-disjoint", "single-host"] {
            certificates[name] = try String(
                contentsOf: certificateFolder.appendingPathComponent("\(name).pem"), encoding: .utf8)
        }
        return certificates
    }

    /// Each mode of `certlint scan` without the fact cache, with it cold (emptied before each run)
    /// and warm (filled by a run before), the read floors and (when installed) checkov.
    func measurements(_ binary: String, own: URL, root: URL) throws -> [(String, Measurement)] {
        let cache = NSTemporaryDirectory() + "certlint-bench-cache-\(getpid())"
        setenv("CERTLINT_CACHE_DIR", cache, 1)
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let empty = { _ = try? FileManager.default.removeItem(atPath: cache) }
        let json = ["--format", "json", "--fail-on", "never"]
        var rows: [(String, Measurement)] = []
        rows.append(("scan (working tree), --no-cache", measure(binary, ["scan", root.path, "--no-cache"] + json)))
        rows.append(
            ("scan --jobs 1, --no-cache", measure(binary, ["scan", root.path, "--no-cache", "--jobs", "1"] + json)))
        let modes: [(String, [String])] = [
            ("scan (working tree)", []), ("scan --rev HEAD", ["--rev", "HEAD"]),
            ("scan --diff-base HEAD~1", ["--diff-base", "HEAD~1"]),
        ]
        for (name, flags) in modes {
            let arguments = ["scan", root.path] + flags + json
            rows.append(("\(name), cold cache", measure(binary, arguments, before: empty)))
            _ = spawnAndWait(binary, arguments)
            rows.append(("\(name), warm cache", measure(binary, arguments)))
        }
        // The pre-commit hook: one configuration file changed and staged since the cache was filled.
        let changed = try changeableFile(root)
        var change = 0
        let stageOneChange = {
            change += 1
            try? self.append("# changed \(change)\n", to: changed, root: root)
        }
        let staged = ["scan", root.path, "--staged"] + json
        rows.append(("scan --staged (one file changed), --no-cache", measure(binary, staged + ["--no-cache"])))
        rows.append(("scan --staged (one file changed), cold cache", measure(binary, staged, before: empty)))
        _ = spawnAndWait(binary, staged)
        rows.append(("scan --staged (one file changed), warm cache", measure(binary, staged, before: stageOneChange)))
        rows.append(
            (
                "floor: git ls-files -z, xargs -0 cat",
                measure("/bin/sh", ["-c", "cd '\(root.path)' && git ls-files -z | xargs -0 cat > /dev/null"])
            ))
        rows.append(("floor: read every blob (libgit2)", measure(own.path, ["read", root.path])))
        if !skipCheckov, let checkov = which("checkov") {
            rows.append(("checkov -d", measure(checkov, ["-d", root.path, "--quiet", "--compact"], repetitions: 1)))
        }
        return rows
    }

    /// A load-balancer configuration of the first deployment (HAProxy or Terraform; both read
    /// `#` as a comment), which the `--staged` measurement changes before each run.
    func changeableFile(_ root: URL) throws -> String {
        for candidate in ["deployments/access-000/lb/haproxy.cfg", "deployments/access-000/lb/main.tf"]
        where FileManager.default.fileExists(atPath: root.appendingPathComponent(candidate).path) {
            return candidate
        }
        throw ValidationError("the generated repository has no deployments/access-000/lb configuration")
    }

    func append(_ text: String, to path: String, root: URL) throws {
        let file = root.appendingPathComponent(path)
        try (String(contentsOf: file, encoding: .utf8) + text).write(to: file, atomically: true, encoding: .utf8)
        _ = try capture("/usr/bin/git", ["-C", root.path, "add", path])
    }

    func printTable(_ rows: [(String, Measurement)], files totalFiles: Int, bytes totalBytes: Int) {
        let scan = rows[0].1.median
        let floorRead = rows.first { $0.0.hasPrefix("floor: read") }!.1.median
        print("")
        print("| measurement | median | min–max | files/s | MB/s | peak RSS | vs scan |")
        print("|---|---|---|---|---|---|---|")
        for (name, m) in rows {
            let seconds = m.median / 1000
            print(
                "| \(name) | \(format(m.median)) ms | \(format(m.minimum))–\(format(m.maximum)) ms | \(Int(Double(totalFiles) / max(seconds, 0.000001))) | \(String(format: "%.1f", Double(totalBytes) / 1_048_576 / max(seconds, 0.000001))) | \(String(format: "%.1f", m.peakRSS / 1024)) MB | \(String(format: "%.2f", m.median / scan))× |"
            )
        }
        print("")
        print(
            "scan / libgit2 read floor: \(String(format: "%.2f", scan / floorRead))×; \(totalFiles) files, \(String(format: "%.1f", Double(totalBytes) / 1_048_576)) MB; \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
    }

    struct Measurement {
        var median: Double
        var minimum: Double
        var maximum: Double
        var peakRSS: Double  // KiB, median
    }

    func format(_ milliseconds: Double) -> String { String(format: milliseconds < 100 ? "%.1f" : "%.0f", milliseconds) }

    func measure(
        _ executable: String, _ arguments: [String], repetitions: Int? = nil, before: (() -> Void)? = nil
    ) -> Measurement {
        var times: [Double] = []
        var memory: [Double] = []
        for _ in 0..<(repetitions ?? self.repetitions) {
            before?()
            let (milliseconds, rss) = spawnAndWait(executable, arguments)
            times.append(milliseconds)
            memory.append(rss)
        }
        times.sort()
        memory.sort()
        return Measurement(
            median: times[times.count / 2], minimum: times.first!, maximum: times.last!,
            peakRSS: memory[memory.count / 2])
    }

    /// Runs a program with its output discarded; wall time in ms and its peak RSS in KiB.
    func spawnAndWait(_ executable: String, _ arguments: [String]) -> (Double, Double) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return (.nan, .nan) }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        return (elapsed, Double(usage.ru_maxrss))
    }

    func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Deployment names whose rule IDs differ from the expectation.
    func compare(_ json: String, _ expected: [String: [String]]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let findings = object["findings"] as? [[String: Any]]
        else { return ["the scan's JSON could not be read"] }
        var actual = expected.mapValues { _ in [String]() }
        for finding in findings where finding["suppression"] == nil {
            guard let subject = finding["subject"] as? String, subject.hasPrefix("deployment "),
                let rule = finding["ruleId"] as? String
            else {
                actual["(outside deployments)", default: []].append(finding["ruleId"] as? String ?? "?")
                continue
            }
            actual[String(subject.dropFirst(11).prefix { $0 != " " }), default: []].append(rule)
        }
        return actual.keys.sorted().compactMap { name in
            let found = actual[name]!.sorted()
            return found == (expected[name] ?? []) ? nil : "\(name): expected \(expected[name] ?? []), found \(found)"
        }
    }

    /// Instructions of one full scan on one thread, counted by callgrind twice: a number that
    /// does not depend on what else the machine runs (the two counts show how well it repeats).
    func reportInstructions(_ binary: String, root: URL) {
        guard !skipInstructions else { return print("instructions: skipped (--skip-instructions)") }
        guard let valgrind = which("valgrind") else {
            return print("instructions: valgrind not installed, not counted")
        }
        for (name, flags) in [("--no-cache", ["--no-cache"]), ("warm cache", [])] {
            let arguments =
                [
                    "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, "scan", root.path, "--format", "json",
                    "--fail-on", "never", "--jobs", "1",
                ] + flags
            // The warm count follows a run that fills the cache, under valgrind too: the cache's
            // keys name the executable, and under valgrind that is valgrind's own.
            if flags.isEmpty { _ = try? collected(valgrind, arguments) }
            let counts = (0..<2).compactMap { _ in try? collected(valgrind, arguments) }
            guard counts.count == 2 else {
                return print(
                    "instructions: callgrind reported no count (valgrind 3.19 gives up on the debug information of Swift 6 builds; pass --certlint with the stripped binary Scripts/package.sh makes)"
                )
            }
            let spread = abs(Double(counts[0] - counts[1])) / Double(max(counts[0], 1)) * 100
            print(
                "instructions (callgrind, scan --jobs 1, \(name)): \(counts[0]) and \(counts[1]) (\(String(format: "%.3f", spread)) % apart)"
            )
        }
    }

    /// callgrind's "Collected : N" from its report on standard error.
    func collected(_ valgrind: String, _ arguments: [String]) throws -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = arguments
        // Swift seeds its hashing per process; a fixed seed makes the count repeat.
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_DETERMINISTIC_HASHING": "1"]) { $1 }
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Collected :") }) else { return nil }
        return line.split(separator: " ").last.flatMap { Int($0) }
    }

    func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
