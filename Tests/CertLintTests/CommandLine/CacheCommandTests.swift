import Foundation
import Testing

/// `certlint cache`, `--no-cache` and the cache's environment variables, as users run them.
@Suite struct CacheCommandTests {
    func certlint(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (
        status: Int32, output: String, error: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CERTLINT_CACHE_DIR"] = nil
        environment["CERTLINT_CACHE_SIZE"] = nil
        return try run(CommandLineTests.binary, arguments, environment: environment.merging(extra) { $1 })
    }

    @Test func statsAndClearTheRepositorysCache() throws {
        let repository = try FactCacheStoreTests.good()
        let folder = repository.root.resolvingSymlinksInPath().appendingPathComponent(".git/certlint/facts").path
        let empty = try certlint(["cache", repository.path])
        #expect(empty.status == 0)
        #expect(
            empty.output
                == "fact cache: \(folder)\nentries: 0 in 0 packs, 0 bytes (bound 536,870,912 bytes)\n")
        #expect(try certlint(["scan", repository.path, "--as-of", "2026-06-01"]).status == 0)
        let filled = try certlint(["cache", "--stats", repository.path])
        #expect(filled.output.hasPrefix("fact cache: \(folder)\nentries: 5 in 1 pack, "))
        #expect(filled.output.contains("\nlast used: oldest 20"))
        let cleared = try certlint(["cache", "--clear", repository.path], environment: ["CERTLINT_CACHE_SIZE": "64M"])
        // The pack, and the work tree's lstat records when the files were old enough to be trusted.
        #expect(cleared.output.hasPrefix("certlint: cleared the fact cache \(folder) ("))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(
            try certlint(["cache", repository.path], environment: ["CERTLINT_CACHE_SIZE": "64M"]).output
                == "fact cache: \(folder)\nentries: 0 in 0 packs, 0 bytes (bound 67,108,864 bytes)\n")
    }

    @Test func noCacheWritesNothing() throws {
        let repository = try FactCacheStoreTests.good()
        #expect(try certlint(["scan", repository.path, "--no-cache", "--as-of", "2026-06-01"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: repository.root.appendingPathComponent(".git/certlint").path))
    }

    @Test func badSettingsAreExitTwo() throws {
        let repository = try FactCacheStoreTests.good()
        let size = try certlint(["scan", repository.path], environment: ["CERTLINT_CACHE_SIZE": "huge"])
        #expect(size.status == 2)
        #expect(
            size.error
                == "certlint: error: CERTLINT_CACHE_SIZE is 'huge'; give a size such as 512M or 2G (from 1M to 1T).\n")
        let folder = try certlint(["cache", repository.path], environment: ["CERTLINT_CACHE_DIR": "relative"])
        #expect(folder.status == 2)
        #expect(
            folder.error
                == "certlint: error: CERTLINT_CACHE_DIR is 'relative'; give an absolute path (or unset it for the default).\n"
        )
        let both = try certlint(["cache", "--stats", "--clear", repository.path])
        #expect(both.status == 2)
        #expect(both.error.hasPrefix("Error: --stats and --clear do different things; pass one of them.\n"))
    }
}
