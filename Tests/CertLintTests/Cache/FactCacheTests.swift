import Foundation
import Testing

@testable import CertLint

/// The fact cache changes nothing a scan reports: every output of a cold run (the cache empty), a
/// warm run (every file answered from it) and a run with `--no-cache` is the same, byte for byte,
/// in every source mode, on the examples, the real-world corpus and the certificate fixtures.
@Suite struct FactCacheTests {
    /// A Git repository holding a copy of `folder` (a path under the package root), committed.
    static func repository(copying folders: [String]) throws -> FixtureRepository {
        let repository = try FixtureRepository(git: true)
        for folder in folders {
            let source = Fixtures.packageRoot.appendingPathComponent(folder)
            let target = repository.root.appendingPathComponent(folder)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: target)
        }
        try repository.commitAll("corpus")
        return repository
    }

    /// Every report of one scan, keyed by format.
    static func reports(_ repository: FixtureRepository, mode: SourceMode, cache: FactCacheSettings) async throws
        -> [String: String]
    {
        try await reports(path: repository.path, mode: mode, cache: cache)
    }

    static func reports(path: String, mode: SourceMode, cache: FactCacheSettings) async throws -> [String: String] {
        var options = ScanOptions()
        options.paths = [path]
        options.mode = mode
        options.asOf = Fixtures.asOf
        options.factCache = cache
        let result = try await Scanner.scan(options)
        return [
            "sarif": SARIFReporter.render(result), "junit": JUnitReporter.render(result),
            "json": JSONReporter.render(result), "text": TextReporter.render(result, colour: false),
            "github": GitHubReporter.render(result),
        ]
    }

    static func cache(in folder: URL) -> FactCacheSettings {
        var settings = FactCacheSettings()
        settings.directory = folder.path
        return settings
    }

    static var disabled: FactCacheSettings {
        var settings = FactCacheSettings()
        settings.enabled = false
        return settings
    }

    static func packs(in folder: URL) -> [String] { FactCacheFiles.packNames(in: folder.path) }

    @Test(arguments: [
        ["Examples"], ["Tests/CertLintTests/RealWorld/valid"], ["Tests/CertLintTests/RealWorld/invalid"],
        ["Tests/CertLintTests/Fixtures/certs", "Tests/CertLintTests/Fixtures/hostile"],
    ])
    func coldWarmAndUncachedRunsReportTheSame(folders: [String]) async throws {
        let repository = try Self.repository(copying: folders)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for mode in [SourceMode.workingTree, .index, .revision("HEAD")] {
            try? FileManager.default.removeItem(at: folder)
            let uncached = try await Self.reports(repository, mode: mode, cache: Self.disabled)
            #expect(!FileManager.default.fileExists(atPath: folder.path), "--no-cache made the folder")
            let cold = try await Self.reports(repository, mode: mode, cache: Self.cache(in: folder))
            let written = Self.packs(in: folder)
            #expect(written.count == 1, "\(mode): the cold run wrote \(written)")
            let warm = try await Self.reports(repository, mode: mode, cache: Self.cache(in: folder))
            // Every file was answered from the cache: a miss would have written a pack.
            #expect(Self.packs(in: folder) == written, "\(mode): the warm run missed")
            for format in uncached.keys.sorted() {
                #expect(cold[format] == uncached[format], "\(folders) \(mode) \(format): cold differs")
                #expect(warm[format] == uncached[format], "\(folders) \(mode) \(format): warm differs")
            }
        }
    }
}
