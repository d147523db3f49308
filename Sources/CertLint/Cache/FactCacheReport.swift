import Foundation

/// `certlint cache`: where the fact cache of a repository (or folder) is, what it holds, and
/// clearing it.
package struct FactCacheReport: Sendable {
    package let folder: String
    package var packs = 0
    package var entries = 0
    package var bytes = 0
    /// Packs a killed run left half-written.
    package var partials = 0
    package var damagedPacks = 0
    package var oldestUse: Date?
    package var newestUse: Date?
    package let maximumBytes: Int

    /// The cache folder that scanning `path` uses.
    package static func folder(for path: String, settings: FactCacheSettings) throws -> String {
        let repository: GitRepository?
        do {
            repository = try GitRepository.discover(containing: Scanner.existingAncestor(of: path))
        } catch let error as GitError {
            throw CertLintError.git(error.description)
        }
        guard let folder = settings.folder(repository: repository, environment: ProcessInfo.processInfo.environment)
        else {
            throw CertLintError.cacheSetting(
                "no cache folder for \(path): it is not in a Git repository and neither XDG_CACHE_HOME nor HOME is an absolute path; set CERTLINT_CACHE_DIR"
            )
        }
        return folder
    }

    /// What the folder holds; an absent folder is an empty cache.
    package init(folder: String, maximumBytes: Int) {
        self.folder = folder
        self.maximumBytes = maximumBytes
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        partials = names.filter { $0.hasSuffix(FactCacheFiles.partialSuffix) }.count
        var lastUse: [FactCacheKey: UInt64] = [:]
        for name in FactCacheFiles.packNames(in: folder) {
            guard let bytes = FactCacheFiles.read(folder + "/" + name, sizeLimit: FactCache.loadLimit(maximumBytes)),
                let records = FactCachePack.records(in: bytes)
            else {
                damagedPacks += 1
                continue
            }
            packs += 1
            self.bytes += bytes.count
            for record in records where record.payload != nil || lastUse[record.key] != nil {
                lastUse[record.key] = max(lastUse[record.key] ?? 0, record.lastUse)
            }
        }
        entries = lastUse.count
        oldestUse = lastUse.values.min().map { Date(timeIntervalSince1970: TimeInterval($0)) }
        newestUse = lastUse.values.max().map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// Removes the packs, the partial packs, the work trees' `lstat` records and the lock;
    /// returns how many files went.
    package static func clear(folder: String) throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var removed = 0
        for name in names
        where name.hasSuffix(FactCacheFiles.packSuffix) || name.hasSuffix(FactCacheFiles.partialSuffix)
            || name.hasSuffix(WorkTreeStatIndex.suffix) || name == "lock"
        {
            guard unlink(folder + "/" + name) == 0 else {
                throw CertLintError.cacheSetting(
                    "could not remove \(folder)/\(name): \(String(cString: strerror(errno)))")
            }
            removed += 1
        }
        return removed
    }

    package var text: String {
        let format = ISO8601DateFormatter()
        var lines = [
            "fact cache: \(folder)",
            "entries: \(entries) in \(packs) pack\(packs == 1 ? "" : "s"), \(Redactor.grouped(bytes)) bytes (bound \(Redactor.grouped(maximumBytes)) bytes)",
        ]
        if let oldestUse, let newestUse {
            lines.append(
                "last used: oldest \(format.string(from: oldestUse)), newest \(format.string(from: newestUse))")
        }
        if partials > 0 { lines.append("partial packs of interrupted runs: \(partials) (removed when an hour old)") }
        if damagedPacks > 0 { lines.append("damaged packs, ignored: \(damagedPacks) (removed at the next merge)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
