import Foundation

/// One pass over a work tree's folders: the `lstat` of every tracked file found there, the files
/// Git would call untracked (`git ls-files --others --exclude-standard`, each file of an untracked
/// folder named; a nested repository named as its folder with a trailing `/`; ignore rules as
/// libgit2 applies them), and the folders
/// entered. Asking libgit2 for the untracked files and then `lstat`ing every tracked path by its
/// full name walked the tree twice and resolved each path from the root; this reads each folder
/// once and asks about each name relative to it.
///
/// A folder is entered only as a folder (`O_NOFOLLOW | O_DIRECTORY`), so a link is never
/// followed and every folder in `entered` was a real folder this process could read. Iterative: a
/// tree of any depth uses one open folder at a time.
struct WorkTreeWalk {
    /// What `lstat` said about each non-folder entry reached: tracked files, and untracked ones
    /// Git does not ignore.
    private(set) var statuses: [String: FileStatus] = [:]
    /// Untracked paths, sorted.
    private(set) var untracked: [String] = []
    /// Folders read, relative to the root ("" is the root).
    private(set) var entered: Set<String> = []
    /// What was passed over and why, as a note says it: folders that could not be read, names
    /// that are not UTF-8 (paths are Swift strings; such a name could not be opened again).
    private(set) var passedOver: [(path: String, message: String)] = []

    /// Walks the work tree at `root`. `tracked` are the index's paths (every stage); `isIgnored`
    /// answers for an untracked path (a folder with a trailing `/`).
    init(root: String, tracked: [String: GitEntryKind], conflicted: [String], isIgnored: (String) throws -> Bool)
        throws
    {
        let trackedFolders = Self.folders(of: Array(tracked.keys) + conflicted)
        let conflicted = Set(conflicted)
        statuses.reserveCapacity(tracked.count)
        entered.reserveCapacity(trackedFolders.count + 1)
        var pending: [(path: String, untracked: Bool)] = [("", false)]
        while let (folder, inUntracked) = pending.popLast() {
            let full = folder.isEmpty ? root : root + "/" + folder
            let descriptor = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0, let directory = fdopendir(descriptor) else {
                passedOver.append(
                    (folder, "is a folder that cannot be read (\(String(cString: strerror(errno)))); not scanned"))
                if descriptor >= 0 { close(descriptor) }
                continue
            }
            defer { closedir(directory) }
            entered.insert(folder)
            while let entry = readdir(directory) {
                let read = Self.name(of: entry)
                guard let name = read.name else {
                    passedOver.append(
                        (
                            folder.isEmpty ? read.shown : folder + "/" + read.shown,
                            "has a name that is not UTF-8; not scanned"
                        ))
                    continue
                }
                guard name != "." && name != ".." && name != ".git" else { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                var info = stat()
                let type = Int32(entry.pointee.d_type)
                let isFolder =
                    type == DT_DIR
                    || (type == DT_UNKNOWN && fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0
                        && info.st_mode & S_IFMT == S_IFDIR)
                if isFolder {
                    if case .submodule? = tracked[path] { continue }
                    if !inUntracked && trackedFolders.contains(path) {
                        pending.append((path, false))
                    } else if try !isIgnored(path + "/") {
                        // A folder holding a `.git` entry is another repository, named and not entered, as
                        // libgit2 does (git first checks that it is one; that means opening it).
                        if fstatat(descriptor, name + "/.git", &info, AT_SYMLINK_NOFOLLOW) == 0 {
                            untracked.append(path + "/")
                        } else {
                            pending.append((path, true))
                        }
                    }
                    continue
                }
                let isTracked = !inUntracked && (tracked[path] != nil || conflicted.contains(path))
                if !isTracked {
                    guard try !isIgnored(path) else { continue }
                    untracked.append(path)
                }
                if fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { statuses[path] = FileStatus(info) }
            }
        }
        untracked.sort()
        passedOver.sort { $0.path < $1.path }
    }

    /// An entry's name as UTF-8, or (not UTF-8) nil and its bytes with each bad sequence shown as
    /// U+FFFD, for the note.
    private static func name(of entry: UnsafeMutablePointer<dirent>) -> (name: String?, shown: String) {
        withUnsafeBytes(of: entry.pointee.d_name) { raw in
            let text = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard let name = String(validatingCString: text) else { return (nil, String(cString: text)) }
            return (name, "")
        }
    }

    /// Every folder that holds one of the paths.
    private static func folders(of paths: [String]) -> Set<String> {
        var folders: Set<String> = []
        for path in paths {
            var folder = RepositoryPath.folder(of: path)
            while !folder.isEmpty, folders.insert(String(folder)).inserted {
                folder = RepositoryPath.folder(of: folder)
            }
        }
        return folders
    }
}
