import Foundation

/// Source: the snapshot a scan reads, the scanned folders within it, and the files read from it.
struct ScanSource {
    let snapshot: Snapshot
    /// The paths as given on the command line.
    let paths: [String]
    /// The same paths relative to the repository root ("" for the whole repository).
    let scopes: [String]

    /// Every path of the snapshot, in or out of the scanned folders.
    var listed: [String] { snapshot.paths }

    func inScope(_ path: String) -> Bool {
        scopes.contains { RepositoryPath.isInside(path, $0) }
    }

    /// Opens the repository (or folder) that holds the first path and places every path in it.
    static func open(_ options: ScanOptions) throws -> ScanSource {
        let paths = options.paths.isEmpty ? ["."] : options.paths
        for path in paths where options.mode == .workingTree && !FileManager.default.fileExists(atPath: path) {
            throw CertLintError.pathNotFound(path)
        }
        let snapshot = try Scanner.openSnapshot(paths[0], mode: options.mode)
        var scopes: [String] = []
        for path in paths {
            guard let relative = Scanner.relativePath(path, in: snapshot) else {
                throw CertLintError.pathsInDifferentRepositories(paths[0], path)
            }
            scopes.append(relative)
        }
        let listed = snapshot.paths
        for (index, scope) in scopes.enumerated()
        where !scope.isEmpty && !listed.contains(where: { RepositoryPath.isInside($0, scope) }) {
            // An existing folder with nothing Git tracks or sees has nothing to scan; a path
            // missing from a revision is an error.
            if options.mode != .workingTree { throw CertLintError.pathNotInRevision(paths[index]) }
        }
        return ScanSource(snapshot: snapshot, paths: paths, scopes: scopes)
    }

    /// The files `--diff-base` reports on.
    func changedPaths(_ options: ScanOptions) throws -> Set<String>? {
        guard let base = options.diffBase else { return nil }
        guard let repository = snapshot.repository else {
            throw CertLintError.needsRepository(path: paths[0], mode: .revision(base))
        }
        do {
            return try repository.changedPaths(since: base, mode: options.mode)
        } catch let error as GitError {
            throw CertLintError.git(error.description)
        }
    }

    /// The scanned files, read on this thread (libgit2 stays on it), and notes on those passed
    /// over. With a fact cache, a file whose content the cache holds is not read when its object
    /// ID is known without reading (a blob of the index or a revision; a work-tree file whose
    /// `lstat` is unchanged), and is read but not parsed otherwise.
    func read(_ settings: Settings, cache: FactCacheUse? = nil) throws -> (inputs: [ScanInput], notes: [ScanNote]) {
        var notes = snapshot.notes.filter { inScope($0.path) }
        var inputs: [ScanInput] = []
        for path in listed where inScope(path) {
            if snapshot.isSubmodule(path) || settings.exclude.contains(where: { $0.matches(path) }) { continue }
            if let cache, let known = cache.knownObjectID(path, in: snapshot) {
                let key = cache.keys.key(path: path, objectID: known)
                if let payload = cache.store.payload(for: key) {
                    inputs.append(.cached(path: path, bytes: nil, payload: payload, key: key))
                    continue
                }
            }
            let before = snapshot.diskStatus(path)
            let read = snapshot.read(path, sizeLimit: settings.maxFileSize)
            if snapshot.isSymbolicLink(path) {
                // A link within the repository is read where it points; one that leads out is noted.
                if case .skipped(let skip) = read, skip.keepsScanContained {
                    notes.append(ScanNote(path: path, message: skip.description))
                }
                continue
            }
            switch read {
            case .bytes(let bytes):
                inputs.append(
                    cache.map { $0.input(path, bytes: bytes, status: before, in: snapshot) }
                        ?? .read(
                            ScannedFile(path: path, bytes: bytes), cacheKey: nil))
            case .skipped(let skip): notes.append(ScanNote(path: path, message: skip.description))
            }
        }
        if !snapshot.unreadableObjects.isEmpty { throw CertLintError.corruptObjects(snapshot.unreadableObjects) }
        return (inputs, notes)
    }
}

/// The fact cache a scan uses, the keys of its entries, and in the working tree the `lstat`
/// records that name unchanged files without reading them.
struct FactCacheUse {
    let store: FactCache
    let keys: FactCacheKeys
    let workTree: WorkTreeStatIndex?

    /// The object ID of a file's content when it is known without reading the file.
    func knownObjectID(_ path: String, in snapshot: Snapshot) -> [UInt8]? {
        if let id = snapshot.objectID(path) { return id }
        guard snapshot.isOnDisk(path) else { return nil }
        return workTree?.objectID(of: path, status: snapshot.diskStatus(path), entered: snapshot.enteredFolders)
    }

    /// A file that was read: what the cache holds for its content, or the file to extract.
    func input(_ path: String, bytes: [UInt8], status: FileStatus?, in snapshot: Snapshot) -> ScanInput {
        let id = snapshot.objectID(path) ?? FactCacheKeys.objectID(of: bytes)
        if snapshot.isOnDisk(path), let status { workTree?.record(path, status: status, objectID: id) }
        let key = keys.key(path: path, objectID: id)
        if snapshot.isOnDisk(path), let payload = store.payload(for: key) {
            return .cached(path: path, bytes: bytes, payload: payload, key: key)
        }
        return .read(ScannedFile(path: path, bytes: bytes), cacheKey: key)
    }

    func save() {
        store.save()
        workTree?.save()
    }
}
