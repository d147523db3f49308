import CLibGit2
import Foundation

/// A libgit2 failure, with libgit2's own message read in the same call.
struct GitError: Error, Sendable, CustomStringConvertible {
    let operation: String
    let message: String
    var description: String { "\(operation): \(message)" }

    @discardableResult
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
        guard code < 0 else { return code }
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(code)"
        throw GitError(operation: operation(), message: message)
    }
}

/// What a Git tree or index says a path is.
enum GitEntryKind {
    case file(git_oid)
    case symlink(git_oid)
    case submodule
}

/// Owns one libgit2 repository handle; every call stays on the thread that made it.
final class GitRepository {
    private let pointer: OpaquePointer
    /// Absolute path of the work tree, without a trailing slash; nil for a bare repository.
    let workdir: String?

    /// Finds the repository that holds `path`, or nil when there is none. `.git` files
    /// (`--separate-git-dir`, linked worktrees, submodules) are followed to their Git folder, and
    /// the work tree is the folder that holds the `.git` entry; a bare repository has none.
    static func discover(containing path: String) throws -> GitRepository? {
        git_libgit2_init()
        var repository: OpaquePointer?
        let code = GitWatchdog.run("opening the Git repository at \(path)") {
            git_repository_open_ext(&repository, path, 0, nil)
        }
        if code == GIT_ENOTFOUND.rawValue {
            git_libgit2_shutdown()
            return nil
        }
        do {
            try GitError.check(code, "opening the Git repository that holds \(path)")
        } catch {
            git_libgit2_shutdown()
            throw error
        }
        guard let repository else {
            git_libgit2_shutdown()
            return nil
        }
        var workdir: String?
        if let workdirPointer = git_repository_workdir(repository) {
            var folder = String(cString: workdirPointer)
            while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
            workdir = folder
        }
        return GitRepository(pointer: repository, workdir: workdir)
    }

    /// The Git folder (`.git`, or where a `.git` file points), without a trailing slash.
    var gitDirectory: String {
        var path = String(cString: git_repository_path(pointer))
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// The Git folder worktrees share (the main `.git`), without a trailing slash.
    var commonDirectory: String {
        var path = String(cString: git_repository_commondir(pointer))
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    private init(pointer: OpaquePointer, workdir: String?) {
        self.pointer = pointer
        self.workdir = workdir
    }

    deinit {
        git_repository_free(pointer)
        git_libgit2_shutdown()
    }

    /// Every entry of the index, as `git commit` would record it (stage 0 only).
    func indexEntries() throws -> (entries: [String: GitEntryKind], conflicted: [String], sparse: Set<String>) {
        var index: OpaquePointer?
        try GitError.check(git_repository_index(&index, pointer), "reading the Git index")
        defer { git_index_free(index) }
        var entries: [String: GitEntryKind] = [:]
        var conflicted: Set<String> = []
        var sparse: Set<String> = []
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position) else { continue }
            let path = String(cString: entry.pointee.path)
            let stage = (Int32(entry.pointee.flags) & GIT_INDEX_ENTRY_STAGEMASK) >> GIT_INDEX_ENTRY_STAGESHIFT
            if stage != 0 {
                conflicted.insert(path)
                continue
            }
            entries[path] = Self.kind(mode: entry.pointee.mode, id: entry.pointee.id)
            if Int32(entry.pointee.flags_extended) & Int32(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue) != 0 {
                sparse.insert(path)
            }
        }
        return (entries, conflicted.sorted(), sparse)
    }

    /// Whether Git's ignore rules (`.gitignore` files, `info/exclude`, `core.excludesFile`) ignore
    /// `path`, or a folder above it; a folder is asked with a trailing `/`.
    func isIgnored(_ path: String) throws -> Bool {
        var ignored: Int32 = 0
        try GitError.check(git_ignore_path_is_ignored(&ignored, pointer, path), "reading the ignore rules for \(path)")
        return ignored == 1
    }

    /// Every blob of the tree of `revision` (any form `git rev-parse` accepts).
    func treeEntries(of revision: String) throws -> (entries: [String: GitEntryKind], commit: String) {
        var object: OpaquePointer?
        let resolved = GitWatchdog.run("resolving revision '\(revision)'") {
            git_revparse_single(&object, pointer, revision)
        }
        try GitError.check(resolved, "resolving revision '\(revision)'")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peeled = GitWatchdog.run("reading the commit of '\(revision)'") {
            git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        }
        try GitError.check(peeled, "'\(revision)' is not a commit")
        defer { git_object_free(commit) }
        let commitID = Self.hex(git_object_id(commit).pointee)
        var root: OpaquePointer?
        let tree = GitWatchdog.run("reading the tree of '\(revision)'") {
            git_object_peel(&root, object, GIT_OBJECT_TREE)
        }
        try GitError.check(tree, "reading the tree of '\(revision)'")
        var entries: [String: GitEntryKind] = [:]
        // Walk with an explicit stack of (tree, prefix); every tree is freed once read.
        var pending: [(OpaquePointer, String)] = [(root!, "")]
        while let (tree, prefix) = pending.popLast() {
            defer { git_tree_free(tree) }
            for position in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, position) else { continue }
                let path = prefix + String(cString: git_tree_entry_name(entry))
                let id = git_tree_entry_id(entry)!.pointee
                if git_tree_entry_type(entry) == GIT_OBJECT_TREE {
                    var subtree: OpaquePointer?
                    var oid = id
                    let code = GitWatchdog.run("reading tree \(Self.hex(id)) (\(path))") {
                        git_tree_lookup(&subtree, pointer, &oid)
                    }
                    try GitError.check(code, "reading tree \(Self.hex(id)) (\(path))")
                    pending.append((subtree!, path + "/"))
                } else {
                    entries[path] = Self.kind(mode: UInt32(git_tree_entry_filemode(entry).rawValue), id: id)
                }
            }
        }
        return (entries, commitID)
    }

    /// The bytes of a blob.
    func blob(_ id: git_oid) throws -> [UInt8] {
        var oid = id
        var blob: OpaquePointer?
        let code = GitWatchdog.run("reading object \(Self.hex(id))") { git_blob_lookup(&blob, pointer, &oid) }
        try GitError.check(code, "reading object \(Self.hex(id))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    func blobSize(_ id: git_oid) throws -> Int {
        var oid = id
        var blob: OpaquePointer?
        let code = GitWatchdog.run("reading object \(Self.hex(id))") { git_blob_lookup(&blob, pointer, &oid) }
        try GitError.check(code, "reading object \(Self.hex(id))")
        defer { git_blob_free(blob) }
        return Int(git_blob_rawsize(blob))
    }

    /// Paths that differ between the merge base of `base` and the scanned commit, and what
    /// `mode` scans (renames followed: the new path counts; deletions do not).
    func changedPaths(since base: String, mode: SourceMode) throws -> Set<String> {
        var baseID = try commitID(base)
        let scannedRevision: String
        switch mode {
        case .revision(let revision): scannedRevision = revision
        default: scannedRevision = "HEAD"
        }
        if var scannedID = try? commitID(scannedRevision) {
            var mergeBase = git_oid()
            if git_merge_base(&mergeBase, pointer, &scannedID, &baseID) == 0 { baseID = mergeBase }
        }
        var commit: OpaquePointer?
        try GitError.check(git_commit_lookup(&commit, pointer, &baseID), "reading commit \(Self.hex(baseID))")
        defer { git_commit_free(commit) }
        var baseTree: OpaquePointer?
        try GitError.check(git_commit_tree(&baseTree, commit), "reading the tree of \(base)")
        defer { git_tree_free(baseTree) }

        var options = certlint_diff_options_init()
        var diff: OpaquePointer?
        switch mode {
        case .workingTree:
            options.flags |= GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            try GitError.check(
                git_diff_tree_to_workdir_with_index(&diff, pointer, baseTree, &options),
                "comparing \(base) with the working tree")
        case .index:
            try GitError.check(
                git_diff_tree_to_index(&diff, pointer, baseTree, nil, &options), "comparing \(base) with the index")
        case .revision(let revision):
            var object: OpaquePointer?
            try GitError.check(git_revparse_single(&object, pointer, revision), "resolving revision '\(revision)'")
            defer { git_object_free(object) }
            var tree: OpaquePointer?
            try GitError.check(git_object_peel(&tree, object, GIT_OBJECT_TREE), "reading the tree of '\(revision)'")
            defer { git_object_free(tree) }
            try GitError.check(
                git_diff_tree_to_tree(&diff, pointer, baseTree, tree, &options), "comparing \(base) with \(revision)")
        }
        defer { git_diff_free(diff) }
        var find = certlint_diff_find_options_init()
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
        try GitError.check(git_diff_find_similar(diff, &find), "following renames")
        var paths: Set<String> = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index), delta.pointee.status != GIT_DELTA_DELETED,
                let path = delta.pointee.new_file.path
            else { continue }
            paths.insert(String(cString: path))
        }
        return paths
    }

    private func commitID(_ revision: String) throws -> git_oid {
        var object: OpaquePointer?
        try GitError.check(git_revparse_single(&object, pointer, revision), "resolving revision '\(revision)'")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try GitError.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "'\(revision)' is not a commit")
        defer { git_object_free(commit) }
        return git_object_id(commit).pointee
    }

    /// Where Git runs hooks from: `core.hooksPath` (relative to the work tree) or `.git/hooks`.
    func hooksDirectory() -> String {
        var config: OpaquePointer?
        if git_repository_config_snapshot(&config, pointer) == 0, let config {
            defer { git_config_free(config) }
            var value: UnsafePointer<CChar>?
            if git_config_get_string(&value, config, "core.hooksPath") == 0, let value {
                let path = String(cString: value)
                return path.hasPrefix("/") ? path : (workdir ?? gitDirectory) + "/" + path
            }
        }
        var gitDirectory = String(cString: git_repository_path(pointer))
        while gitDirectory.hasSuffix("/") { gitDirectory.removeLast() }
        return gitDirectory + "/hooks"
    }

    /// HEAD's commit id and branch name, when HEAD points at a commit.
    func head() -> (commit: String, branch: String?)? {
        var reference: OpaquePointer?
        guard git_repository_head(&reference, pointer) == 0, let reference else { return nil }
        defer { git_reference_free(reference) }
        guard let target = git_reference_target(reference) else { return nil }
        let branch =
            git_reference_is_branch(reference) == 1
            ? git_reference_shorthand(reference).map { String(cString: $0) } : nil
        return (Self.hex(target.pointee), branch)
    }

    /// The URL of the `origin` remote as configured, before any `url.*.insteadOf` rewriting
    /// (the rewritten one can be a local mirror path that means nothing to a SARIF consumer).
    func originURL() -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0, let config else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, "remote.origin.url") == 0, let value else { return nil }
        return String(cString: value)
    }

    private static func kind(mode: UInt32, id: git_oid) -> GitEntryKind {
        switch mode & 0o170000 {
        case 0o120000: return .symlink(id)
        case 0o160000: return .submodule
        default: return .file(id)
        }
    }

    static func hex(_ id: git_oid) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: id.id) { raw in
            String(decoding: raw.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
        }
    }
}
