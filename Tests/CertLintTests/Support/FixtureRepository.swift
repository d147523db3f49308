import Foundation

@testable import CertLint

/// The folder of this test target's fixtures (test certificates, golden files).
enum Fixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let certificates = testsDirectory.appendingPathComponent("Fixtures/certs")
    static let golden = testsDirectory.appendingPathComponent("Golden")
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared` beside the checkout, when it is there.
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let asOf = try! ScanOptions.date("2026-06-01")

    static func certificate(_ name: String) -> String {
        (try? String(contentsOf: certificates.appendingPathComponent("\(name).pem"), encoding: .utf8))
            ?? "missing fixture \(name)"
    }
}

/// A small infrastructure repository in a temporary folder, made for one test.
final class FixtureRepository {
    let root: URL

    /// `files` maps repository paths to contents; `certificates` maps repository paths to the
    /// names of test certificates under Fixtures/certs.
    init(files: [String: String] = [:], certificates: [String: String] = [:], git: Bool = false) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
        for (path, name) in certificates { try write(path, Fixtures.certificate(name)) }
        if git {
            try self.git("init", "-q", "-b", "main")
            try self.git("config", "user.email", "test@example.com")
            try self.git("config", "user.name", "certlint tests")
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var path: String { root.path }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try run("/usr/bin/git", ["-C", root.path] + arguments).output
    }

    func commitAll(_ message: String) throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }

    func scan(
        _ paths: [String] = [""], mode: SourceMode = .workingTree, asOf: Date = Fixtures.asOf,
        configPath: String? = nil, failOn: FailThreshold? = nil, rulePacks: [String] = []
    ) async throws -> ScanResult {
        var options = ScanOptions()
        options.rulePacks = rulePacks
        options.paths = paths.map { $0.isEmpty ? root.path : root.appendingPathComponent($0).path }
        options.mode = mode
        options.asOf = asOf
        options.configPath = configPath
        options.failOn = failOn
        return try await Scanner.scan(options)
    }
}

/// Runs a program and returns its exit status and standard output (standard error appended).
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (
    status: Int32, output: String, error: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}

extension ScanResult {
    /// `CP001 certlint.yaml:6:11` per finding, in report order: what most tests compare.
    var brief: [String] { findings.map { "\($0.ruleID) \($0.location.description)" } }

    func messages(_ rule: RuleID) -> [String] { findings.filter { $0.ruleID == rule }.map(\.message) }
}
