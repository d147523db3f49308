import Foundation
import Testing

@testable import CertLint

/// The work tree's `lstat` records: an unchanged file is known without reading it; any change,
/// a recent change, or a folder turned into a link makes certlint read it again.
@Suite struct WorkTreeStatIndexTests {
    @Test func anUnchangedFileIsKnownAndAChangedOneIsNot() throws {
        let repository = try FixtureRepository(files: ["lb/haproxy.cfg": "frontend f\n    bind :443\n"])
        let folder = FactCacheStoreTests.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = repository.root.resolvingSymlinksInPath().path
        // A scan that starts well after the file was written trusts its record.
        let later = Date().addingTimeInterval(10)
        let first = WorkTreeStatIndex(directory: folder.path, root: root, now: later)
        let status = try #require(first.status(of: "lb/haproxy.cfg"))
        first.record("lb/haproxy.cfg", status: status, objectID: [1, 2, 3])
        first.save()
        let second = WorkTreeStatIndex(directory: folder.path, root: root, now: later)
        #expect(second.objectID(of: "lb/haproxy.cfg") == [1, 2, 3])
        #expect(second.objectID(of: "lb/other.cfg") == nil)

        try repository.write("lb/haproxy.cfg", "frontend f\n    bind :5262\n")
        #expect(WorkTreeStatIndex(directory: folder.path, root: root, now: later).objectID(of: "lb/haproxy.cfg") == nil)
    }

    @Test func aRecentChangeIsNotTrusted() throws {
        let repository = try FixtureRepository(files: ["a.cfg": "frontend f\n"])
        let folder = FactCacheStoreTests.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = repository.root.resolvingSymlinksInPath().path
        let index = WorkTreeStatIndex(directory: folder.path, root: root)
        index.record("a.cfg", status: try #require(index.status(of: "a.cfg")), objectID: [9])
        index.save()
        #expect(WorkTreeStatIndex(directory: folder.path, root: root).objectID(of: "a.cfg") == nil)
        #expect(!FileManager.default.fileExists(atPath: index.file))
    }

    @Test func aFolderThatBecameALinkIsNotTrusted() throws {
        let repository = try FixtureRepository(files: ["lb/a.cfg": "frontend f\n", "elsewhere/a.cfg": "frontend f\n"])
        let folder = FactCacheStoreTests.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = repository.root.resolvingSymlinksInPath().path
        let later = Date().addingTimeInterval(10)
        let index = WorkTreeStatIndex(directory: folder.path, root: root, now: later)
        // The record is of elsewhere/a.cfg's file, so that the link below leads to the same inode.
        index.record("lb/a.cfg", status: try #require(index.status(of: "elsewhere/a.cfg")), objectID: [7])
        index.save()
        try repository.remove("lb")
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent("lb").path, withDestinationPath: "elsewhere")
        #expect(WorkTreeStatIndex(directory: folder.path, root: root, now: later).objectID(of: "lb/a.cfg") == nil)
    }

    /// End to end: files older than the racy margin, scanned twice; the second scan knows every
    /// file by its `lstat`, reports the same, and sees a later edit.
    @Test func aWarmWorkTreeScanKnowsFilesWithoutReadingThem() async throws {
        let repository = try FactCacheTests.repository(copying: ["Examples"])
        let folder = FactCacheStoreTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Task.sleep(nanoseconds: 2_200_000_000)
        let cache = FactCacheTests.cache(in: folder)
        let uncached = try await FactCacheTests.reports(repository, mode: .workingTree, cache: FactCacheTests.disabled)
        #expect(try await FactCacheTests.reports(repository, mode: .workingTree, cache: cache) == uncached)
        let root = repository.root.resolvingSymlinksInPath().path
        let index = WorkTreeStatIndex(directory: folder.path, root: root)
        let snapshot = try Snapshot(containing: root, mode: .workingTree)
        let unknown = snapshot.paths.filter { snapshot.isOnDisk($0) && index.objectID(of: $0) == nil }
        #expect(unknown.isEmpty, "read again: \(unknown)")
        #expect(try await FactCacheTests.reports(repository, mode: .workingTree, cache: cache) == uncached)

        let path = "Examples/lb/dr/haproxy.cfg"
        let text = try String(contentsOf: repository.root.appendingPathComponent(path), encoding: .utf8)
        try repository.write(path, text.replacingOccurrences(of: ":5262", with: ":5999"))
        let edited = try await FactCacheTests.reports(repository, mode: .workingTree, cache: FactCacheTests.disabled)
        #expect(edited != uncached)
        #expect(try await FactCacheTests.reports(repository, mode: .workingTree, cache: cache) == edited)
    }
}
