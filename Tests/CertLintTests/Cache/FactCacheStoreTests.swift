import Foundation
import Testing

@testable import CertLint

/// The fact cache under damage, races and its size bound: a damaged or foreign entry is rebuilt,
/// never trusted; key material is never stored; the entries used longest ago are dropped first.
@Suite struct FactCacheStoreTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("certlint-cache-\(UUID().uuidString)")
    }

    static func good() throws -> FixtureRepository { try GoodDeployment.committedRepository() }

    static func sarif(_ repository: FixtureRepository, cache folder: URL?, mode: SourceMode = .workingTree)
        async throws -> String
    {
        var settings = FactCacheSettings()
        if let folder { settings.directory = folder.path } else { settings.enabled = false }
        return try await FactCacheTests.reports(repository, mode: mode, cache: settings)["sarif"] ?? ""
    }

    static func key(_ n: Int) -> FactCacheKey {
        FactCacheKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: n >> ($0 % 8)) ^ UInt8($0) })
    }

    @Test func aDamagedPayloadIsRebuiltNotTrusted() async throws {
        let repository = try Self.good()
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await Self.sarif(repository, cache: nil)
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        let pack = folder.appendingPathComponent(FactCacheFiles.packNames(in: folder.path)[0])
        var bytes = try [UInt8](Data(contentsOf: pack))
        // Every byte after the header belongs to some record; flip one inside the last payload.
        bytes[bytes.count - 10] ^= 0x20
        try Data(bytes).write(to: pack)
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        // The damaged entry was extracted again and stored in a pack of its own.
        #expect(FactCacheFiles.packNames(in: folder.path).count == 2)
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        #expect(FactCacheFiles.packNames(in: folder.path).count == 2)
    }

    @Test func packsThatDoNotParseAreIgnored() async throws {
        let repository = try Self.good()
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await Self.sarif(repository, cache: nil)
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        let name = FactCacheFiles.packNames(in: folder.path)[0]
        let whole = try Data(contentsOf: folder.appendingPathComponent(name))
        try whole.prefix(whole.count / 2).write(to: folder.appendingPathComponent(name))
        try Data("not a pack".utf8).write(to: folder.appendingPathComponent("0-foreign.pack"))
        try Data(repeating: 0xFF, count: 64).write(to: folder.appendingPathComponent("1-half.partial"))
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        let report = FactCacheReport(folder: folder.path, maximumBytes: 1 << 30)
        #expect(report.damagedPacks == 2)
        #expect(report.partials == 1)
        #expect(report.packs == 1)
    }

    /// A pack larger than twice the cache's bound is never loaded (a planted file of any size).
    @Test func aPackOverTheBoundIsNotLoaded() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try #require(FactCache(directory: folder.path, maximumBytes: 1 << 30))
        writer.add([UInt8](repeating: 0x61, count: 3 << 20), for: Self.key(1))
        writer.save()
        #expect(try #require(FactCache(directory: folder.path, maximumBytes: 1 << 30)).keys == [Self.key(1)])
        #expect(try #require(FactCache(directory: folder.path, maximumBytes: 1 << 20)).keys.isEmpty)
        #expect(FactCacheReport(folder: folder.path, maximumBytes: 1 << 20).damagedPacks == 1)
    }

    /// An entry under the right key whose payload is intact but is not a record of this build.
    @Test func aForeignEntryUnderTheRightKeyIsRebuilt() async throws {
        let repository = try Self.good()
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await Self.sarif(repository, cache: nil)
        let keys = FactCacheKeys(build: FactCacheKeys.currentBuild, maximumFileSize: Settings().maxFileSize)
        let manifest = [UInt8](try Data(contentsOf: repository.root.appendingPathComponent("certlint.yaml")))
        let key = keys.key(path: "certlint.yaml", objectID: FactCacheKeys.objectID(of: manifest))
        let payload = Array(#"{"isBinary":false,"outcome":{"claimed":true}}"#.utf8)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pack = FactCachePack.encode(entries: [(key, 1, payload[...])], uses: [])
        try Data(pack).write(to: folder.appendingPathComponent("0-planted.pack"))
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        #expect(try await Self.sarif(repository, cache: folder, mode: .revision("HEAD")) == uncached)
    }

    /// The Git ID of content on disk equals its blob's, so the working tree, the index and a
    /// revision share entries.
    @Test func modesShareEntries() async throws {
        let repository = try Self.good()
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await Self.sarif(repository, cache: nil, mode: .index)
        _ = try await Self.sarif(repository, cache: folder)
        #expect(try await Self.sarif(repository, cache: folder, mode: .index) == uncached)
        #expect(try await Self.sarif(repository, cache: folder, mode: .revision("HEAD")) != "")
        #expect(FactCacheFiles.packNames(in: folder.path).count == 1)
        let head = try repository.git("rev-parse", "HEAD:certlint.yaml").trimmingCharacters(in: .whitespacesAndNewlines)
        let manifest = [UInt8](try Data(contentsOf: repository.root.appendingPathComponent("certlint.yaml")))
        #expect(FactCacheKeys.objectID(of: manifest).map { String(format: "%02x", $0) }.joined() == head)
    }

    @Test func keyMaterialIsNeverStored() async throws {
        let key = Fixtures.certificate("example-key")
        let body = key.split(separator: "\n").dropFirst().dropLast()
        let repository = try Self.good()
        try repository.write(
            "tf/tls.tf", "resource \"aws_iam_server_certificate\" \"c\" {\n  private_key = <<EOT\n\(key)EOT\n}\n")
        try repository.write(
            "k8s/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.key: \(Data(key.utf8).base64EncodedString())\n"
        )
        try repository.write("keys/server.key", key)
        try repository.commitAll("keys")
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await Self.sarif(repository, cache: nil)
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        #expect(try await Self.sarif(repository, cache: folder) == uncached)
        let packs = FactCacheFiles.packNames(in: folder.path)
        #expect(!packs.isEmpty)
        for name in packs {
            let text = String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
            for line in body { #expect(!text.contains(line), "\(name) holds a line of the key") }
            #expect(!text.contains(Data(key.utf8).base64EncodedString().prefix(60)))
        }
    }

    @Test func mergingKeepsTheEntriesUsedLast() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let payload = [UInt8](repeating: 0x61, count: 1000)
        // Ten entries stored at time 1000.
        let first = try #require(FactCache(directory: folder.path, maximumBytes: 1 << 20, now: 1000))
        for n in 0..<10 { first.add(payload, for: Self.key(n)) }
        first.save()
        // A day later a run uses three of them, then one with a small bound merges.
        let later = try #require(FactCache(directory: folder.path, maximumBytes: 1 << 20, now: 90_000))
        for n in [2, 5, 7] { #expect(later.payload(for: Self.key(n))?.bytes.count == 1000) }
        later.add(payload, for: Self.key(10))
        later.save()
        let bound = (FactCachePack.recordHeaderSize + 1000) * 8
        let small = try #require(FactCache(directory: folder.path, maximumBytes: bound, now: 90_001))
        small.save()
        let merged = try #require(FactCache(directory: folder.path, maximumBytes: bound, now: 90_002))
        #expect(FactCacheFiles.packNames(in: folder.path).count == 1)
        // Three quarters of 8 records: 5 fit (the pack header takes part of the sixth).
        #expect(merged.keys.count == 5)
        for n in [2, 5, 7, 10] { #expect(merged.keys.contains(Self.key(n)), "entry \(n) used last was dropped") }
        #expect(merged.payload(for: Self.key(2))?.isIntact == true)
    }

    @Test func manyPacksAreMergedIntoOne() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for n in 0...FactCache.maximumPacks {
            let cache = try #require(FactCache(directory: folder.path, maximumBytes: 1 << 20, now: 1000 + UInt64(n)))
            cache.add(Array("entry \(n)".utf8), for: Self.key(n))
            cache.save()
        }
        #expect(FactCacheFiles.packNames(in: folder.path).count == 1)
        let cache = try #require(FactCache(directory: folder.path, maximumBytes: 1 << 20))
        #expect(cache.keys.count == FactCache.maximumPacks + 1)
        #expect(cache.payload(for: Self.key(3)).map { String(decoding: $0.bytes, as: UTF8.self) } == "entry 3")
    }

    /// Runs at once (two hooks, a scan and an editor's check): each writes packs of its own under
    /// names no other run uses; none reads a half-written one.
    @Test func concurrentRunsAgree() async throws {
        let repository = try Self.good()
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await Self.sarif(repository, cache: nil)
        let settings = FactCacheTests.cache(in: folder)
        let path = repository.path
        for _ in 0..<3 {
            let results = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await FactCacheTests.reports(path: path, mode: .workingTree, cache: settings)["sarif"] ?? ""
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0 == uncached })
        }
        #expect(FactCacheReport(folder: folder.path, maximumBytes: 1 << 30).damagedPacks == 0)
    }

    /// `.git/certlint` made a link out of the repository (an unpacked archive can carry one): the
    /// scan runs without a cache and writes nothing there.
    @Test func aLinkedCacheFolderIsNotUsed() async throws {
        let repository = try Self.good()
        let outside = Self.temporaryFolder()
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent(".git/certlint").path, withDestinationPath: outside.path)
        let uncached = try await Self.sarif(repository, cache: nil)
        #expect(
            try await FactCacheTests.reports(repository, mode: .workingTree, cache: FactCacheSettings())["sarif"]
                == uncached)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func sizesAndFoldersFromTheEnvironment() throws {
        #expect(FactCacheSettings.byteCount("512M") == 512 << 20)
        #expect(FactCacheSettings.byteCount("2g") == 2 << 30)
        #expect(FactCacheSettings.byteCount("1048576") == 1 << 20)
        for bad in ["", "M", "1", "512MB", "-5M", "2T", "９M", "99999999999999999999G"] {
            #expect(FactCacheSettings.byteCount(bad) == nil, "\(bad)")
        }
        #expect(try FactCacheSettings.fromEnvironment(["CERTLINT_CACHE_SIZE": "64M"]).maximumBytes == 64 << 20)
        #expect(
            throws: CertLintError.cacheSetting(
                "CERTLINT_CACHE_SIZE is '64 MB'; give a size such as 512M or 2G (from 1M to 1T)")
        ) {
            try FactCacheSettings.fromEnvironment(["CERTLINT_CACHE_SIZE": "64 MB"])
        }
        #expect(
            throws: CertLintError.cacheSetting(
                "CERTLINT_CACHE_DIR is 'cache'; give an absolute path (or unset it for the default)")
        ) {
            try FactCacheSettings.fromEnvironment(["CERTLINT_CACHE_DIR": "cache"])
        }
    }
}

/// A scan killed while it works (SIGKILL, at several moments) leaves the cache usable: the next
/// runs report what `--no-cache` reports.
@Suite struct KilledRunTests {
    @Test func aKilledScanLeavesAUsableCache() async throws {
        let repository = try FactCacheTests.repository(copying: ["Tests/CertLintTests/RealWorld/valid/terraform"])
        let folder = FactCacheStoreTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let uncached = try await FactCacheTests.reports(repository, mode: .index, cache: FactCacheTests.disabled)
        var environment = ProcessInfo.processInfo.environment
        environment["CERTLINT_CACHE_DIR"] = folder.path
        for delay in [0.05, 0.2, 0.5, 1.0] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
            process.arguments = ["scan", repository.path, "--staged", "--format", "json", "--fail-on", "never"]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            // SIGKILL: a child of the test process inherits its blocked signals.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(FactCacheReport(folder: folder.path, maximumBytes: 1 << 30).damagedPacks == 0)
        }
        let cache = FactCacheTests.cache(in: folder)
        #expect(try await FactCacheTests.reports(repository, mode: .index, cache: cache) == uncached)
        #expect(try await FactCacheTests.reports(repository, mode: .index, cache: cache) == uncached)
    }
}
