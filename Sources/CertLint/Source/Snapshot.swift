import CLibGit2
import Foundation

/// The files of one repository (or plain folder) in one source mode, listed once and read on
/// demand. Paths are relative to the repository root and use `/`.
///
/// Not `Sendable`: it owns the libgit2 handle, which stays on the thread that opened it. Callers
/// read the bytes they need into Swift values and fan out from there.
final class Snapshot {
    enum Entry {
        case blob(git_oid)
        case blobLink(git_oid)
        /// A regular file on disk, with what `lstat` said when it was listed.
        case disk(FileStatus)
        case diskLink(String)
        case submodule
        /// A file given in memory (`Snapshot(files:)`, the one-rule harness).
        case memory([UInt8])
    }

    let root: String
    let mode: SourceMode
    /// Files given in memory: nothing on disk, nothing to cache.
    private(set) var isInMemory = false
    let repository: GitRepository?
    private(set) var entries: [String: Entry] = [:]
    private(set) var notes: [ScanNote] = []
    private(set) var revisionID: String?
    /// The work tree's folders the listing read (nil outside a repository's work tree): each a
    /// real folder, not a link, that this process could read.
    private(set) var enteredFolders: Set<String>?
    /// Reads work-tree files without leaving the repository; one root descriptor for the scan.
    private lazy var contained = ContainedFile(root: root)
    /// Objects libgit2 could not read (corrupt or missing): the scan stops with exit 2 naming them.
    private(set) var unreadableObjects: [String] = []

    /// Opens the repository that holds `path` (or the folder itself outside a repository).
    init(containing path: String, mode: SourceMode) throws {
        self.mode = mode
        let repository = try GitRepository.discover(containing: path)
        self.repository = repository
        if let repository {
            guard
                let workdir = repository.workdir
                    ?? (mode == .workingTree || mode == .index ? nil : repository.gitDirectory)
            else {
                throw CertLintError.bareRepository(path: path)
            }
            root = Self.realPath(workdir)
            switch mode {
            case .workingTree:
                let (tracked, conflicted, sparse) = try repository.indexEntries()
                let walk = try WorkTreeWalk(
                    root: root, tracked: tracked, conflicted: conflicted, isIgnored: repository.isIgnored)
                func entry(_ path: String, _ kind: GitEntryKind?) -> Entry? {
                    Self.diskEntry(root: root, path: path, kind: kind, listed: walk.statuses[path], notes: &notes)
                }
                for (path, kind) in tracked {
                    // Outside a sparse checkout's cone the file is not on disk: its index blob is the content.
                    entries[path] = sparse.contains(path) ? Self.blobEntry(kind) : entry(path, kind)
                }
                for path in conflicted where entries[path] == nil { entries[path] = entry(path, nil) }
                for path in walk.untracked { entries[path] = entry(path, nil) }
                notes += walk.passedOver.map { ScanNote(path: $0.path, message: $0.message) }
                enteredFolders = walk.entered
                revisionID = repository.head()?.commit
            case .index:
                let (staged, conflicted, _) = try repository.indexEntries()
                for (path, kind) in staged { entries[path] = Self.blobEntry(kind) }
                for path in conflicted {
                    notes.append(
                        ScanNote(path: path, message: "has unresolved merge conflicts in the index; not scanned"))
                }
                revisionID = repository.head()?.commit
            case .revision(let revision):
                let (tree, commit) = try repository.treeEntries(of: revision)
                for (path, kind) in tree { entries[path] = Self.blobEntry(kind) }
                revisionID = commit
            }
        } else {
            guard mode == .workingTree else { throw CertLintError.needsRepository(path: path, mode: mode) }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let folder = isDirectory.boolValue ? path : LocalPath.folder(of: path)
            root = Self.realPath(folder.isEmpty ? "." : folder)
            walk()
        }
        for (path, entry) in entries {
            if case .submodule = entry {
                notes.append(ScanNote(path: path, message: "is a Git submodule; submodules are not entered"))
            }
        }
    }

    /// Files given in memory, as a repository of them: what the one-rule harness scans.
    init(files: [String: [UInt8]]) {
        isInMemory = true
        mode = .workingTree
        repository = nil
        root = "/in-memory"
        for (path, bytes) in files { entries[path] = .memory(bytes) }
    }

    /// Every listed path, sorted (once: the entries do not change after listing).
    private(set) lazy var paths: [String] = entries.keys.sorted()

    /// The repository-relative form of a path given on the command line.
    func relativePath(of path: String) -> String? {
        let absolute = Self.realPath(path)
        if absolute == root { return "" }
        guard absolute.hasPrefix(root + "/") else { return nil }
        return String(absolute.dropFirst(root.count + 1))
    }

    var provenance: Provenance? {
        guard let url = repository?.originURL(), let uri = Self.uri(fromRemote: url) else { return nil }
        let branch = mode == .workingTree || mode == .index ? repository?.head()?.branch : nil
        return Provenance(repositoryURI: uri, revisionID: revisionID, branch: branch)
    }

    /// Outcome of asking for one file's bytes.
    enum Read {
        case bytes([UInt8])
        case skipped(Skip)
    }

    /// The bytes of a file, following symbolic links that stay inside the repository.
    func read(_ path: String, sizeLimit: Int) -> Read {
        var current = path
        for _ in 0..<8 {
            guard let entry = entries[current] else {
                return .skipped(current == path ? .notInRepository : .danglingLink(target: current))
            }
            do {
                switch entry {
                case .submodule:
                    return .skipped(.submodule)
                case .memory(let bytes):
                    if bytes.count > sizeLimit { return .skipped(.tooLarge(size: bytes.count, limit: sizeLimit)) }
                    return .bytes(bytes)
                case .blob(let id):
                    let size = try repository!.blobSize(id)
                    if size > sizeLimit { return .skipped(.tooLarge(size: size, limit: sizeLimit)) }
                    return .bytes(try repository!.blob(id))
                case .disk:
                    switch contained.read(current, sizeLimit: sizeLimit) {
                    case .bytes(let bytes): return .bytes(bytes)
                    case .refused(let reason): return .skipped(reason)
                    }
                case .blobLink(let id):
                    let target = String(decoding: try repository!.blob(id), as: UTF8.self)
                    guard let next = Self.linkTarget(target, of: current) else {
                        return .skipped(
                            .leavesRepository("is a symbolic link to \(target), outside the repository; not followed"))
                    }
                    current = next
                case .diskLink(let target):
                    guard let next = Self.linkTarget(target, of: current, root: root) else {
                        return .skipped(
                            .leavesRepository("is a symbolic link to \(target), outside the repository; not followed"))
                    }
                    current = next
                }
            } catch let error as GitError {
                unreadableObjects.append("\(current): \(error.description)")
                return .skipped(.unreadable("could not be read: \(error)"))
            } catch {
                return .skipped(.unreadable("could not be read: \(error)"))
            }
        }
        return .skipped(.leavesRepository("is a chain of more than 8 symbolic links (a loop?); not followed"))
    }

    /// The Git object ID of a file the snapshot holds as a blob (index, revision, or outside a
    /// sparse checkout's cone), without reading it; nil for a file on disk, a link or a submodule.
    func objectID(_ path: String) -> [UInt8]? {
        guard case .blob(let id) = entries[path] else { return nil }
        return withUnsafeBytes(of: id.id) { Array($0) }
    }

    /// Whether the file is read from disk (its content has no Git object ID until it is hashed).
    func isOnDisk(_ path: String) -> Bool {
        if case .disk = entries[path] { return true }
        return false
    }

    /// What `lstat` said about a file on disk when it was listed (before any read).
    func diskStatus(_ path: String) -> FileStatus? {
        if case .disk(let status) = entries[path] { return status }
        return nil
    }

    func isSymbolicLink(_ path: String) -> Bool {
        switch entries[path] {
        case .blobLink, .diskLink: return true
        default: return false
        }
    }

    func isSubmodule(_ path: String) -> Bool {
        if case .submodule = entries[path] { return true }
        return false
    }

    // MARK: - Listing

    private func walk() {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return }
        while let next = enumerator.nextObject() as? String {
            let name = (next as NSString).lastPathComponent
            var info = stat()
            guard lstat(root + "/" + next, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if name == ".git" { enumerator.skipDescendants() }
            case S_IFLNK:
                if name != ".git" { entries[next] = .diskLink(Self.readLink(root + "/" + next)) }
                enumerator.skipDescendants()
            case S_IFREG:
                entries[next] = .disk(FileStatus(info))
            default:
                notes.append(ScanNote(path: next, message: "is not a regular file; not read"))
            }
        }
    }

    /// A work-tree path as the listing found it (`listed`, the walk's `lstat`), else as `lstat`
    /// finds it now: a tracked path the walk did not reach lies under a link, a folder that
    /// cannot be read, or nothing (deleted).
    private static func diskEntry(
        root: String, path: String, kind: GitEntryKind?, listed: FileStatus? = nil, notes: inout [ScanNote]
    ) -> Entry? {
        if case .submodule = kind { return .submodule }
        if let listed, listed.mode & UInt64(S_IFMT) == UInt64(S_IFREG) { return .disk(listed) }
        var info = stat()
        guard lstat(root + "/" + path, &info) == 0 else { return nil }  // deleted in the work tree
        if path.hasSuffix("/") {
            notes.append(ScanNote(path: path, message: "is another Git repository inside this one; not entered"))
            return nil
        }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return .diskLink(readLink(root + "/" + path))
        case S_IFDIR:
            notes.append(ScanNote(path: path, message: "is tracked as a file but is a folder on disk; not read"))
            return nil
        default: return .disk(FileStatus(info))
        }
    }

    private static func blobEntry(_ kind: GitEntryKind) -> Entry {
        switch kind {
        case .file(let id): return .blob(id)
        case .symlink(let id): return .blobLink(id)
        case .submodule: return .submodule
        }
    }

    // MARK: - Paths

    private static func readLink(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return "" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The repository-relative path a link points at, or nil when it leaves the repository.
    static func linkTarget(_ target: String, of link: String, root: String? = nil) -> String? {
        var base: [Substring]
        var rest = Substring(target)
        if target.hasPrefix("/") {
            guard let root, target.hasPrefix(root + "/") else { return nil }
            rest = target.dropFirst(root.count + 1)
            base = []
        } else {
            base = link.split(separator: "/").dropLast()
        }
        for part in rest.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !base.isEmpty else { return nil }
                base.removeLast()
            default: base.append(part)
            }
        }
        return base.isEmpty ? nil : base.joined(separator: "/")
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else {
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func tooLarge(_ size: Int, _ limit: Int) -> String {
        "is \(size) bytes, over the \(limit)-byte limit (settings.max-file-size); not read"
    }

    /// A remote URL as an absolute URI (scp-like `git@host:owner/repo` becomes `ssh://`).
    static func uri(fromRemote remote: String) -> String? {
        if remote.contains("://") {
            // Drop credentials from https URLs.
            if var components = URLComponents(string: remote) {
                components.user = nil
                components.password = nil
                return components.string
            }
            return nil
        }
        if let colon = remote.firstIndex(of: ":"), !remote.hasPrefix("/") {
            let host = remote[..<colon]
            let path = remote[remote.index(after: colon)...]
            return "ssh://\(host)/\(path)"
        }
        if remote.hasPrefix("/") { return URL(fileURLWithPath: remote).absoluteString }
        return nil
    }
}
