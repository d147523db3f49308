import Foundation

/// The fact cache's folder on disk: `*.pack` files, `*.partial` while one is written, and `lock`
/// for the run that merges. Every write goes to a new file renamed into place, so concurrent runs
/// and a run killed half-way leave only whole packs behind.
enum FactCacheFiles {
    static let packSuffix = ".pack"
    static let partialSuffix = ".partial"

    /// Creates the folder and its parent when missing, never through a link: both must be
    /// folders (a repository unpacked from an archive could carry `.git/certlint` pointing
    /// anywhere), and the folder must belong to this user.
    static func makeFolder(_ directory: String) -> Bool {
        let parent = LocalPath.folder(of: directory)
        try? FileManager.default.createDirectory(
            atPath: LocalPath.folder(of: parent), withIntermediateDirectories: true)
        var status = stat()
        for folder in [parent, directory] {
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST, lstat(folder, &status) == 0,
                status.st_mode & S_IFMT == S_IFDIR
            else { return false }
        }
        return status.st_uid == geteuid() && access(directory, W_OK | X_OK) == 0
    }

    /// The packs' names, oldest first (names start with the time they were written).
    static func packNames(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(packSuffix) }.sorted()
    }

    /// A regular file's bytes, not through a link; nil when it cannot be read or is larger than
    /// `sizeLimit` (a planted file of any size is never loaded).
    static func read(_ path: String, sizeLimit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(status.st_size)
        guard size <= sizeLimit else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, size - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            done += count
        }
        return bytes
    }

    /// Writes a pack under a new name; returns the name.
    static func writePack(_ bytes: [UInt8], in directory: String) -> String? {
        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1_000_000), radix: 10)
        let name =
            "\(String(repeating: "0", count: max(0, 20 - stamp.count)))\(stamp)-\(getpid())-\(UInt32.random(in: .min ... .max))\(packSuffix)"
        return write(bytes, to: "\(directory)/\(name)") ? name : nil
    }

    /// Writes a file whole under a partial name, then renames it into place.
    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let partial = "\(path)-\(getpid())-\(UInt32.random(in: .min ... .max))\(partialSuffix)"
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            done += count
        }
        let closed = close(descriptor) == 0
        guard done == bytes.count, closed, rename(partial, path) == 0 else {
            unlink(partial)
            return false
        }
        return true
    }

    static func remove(_ path: String) { unlink(path) }

    /// Partial packs of runs that were killed, an hour old or more.
    static func removeAbandoned(in directory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let hourAgo = Date().addingTimeInterval(-3600)
        for name in names where name.hasSuffix(partialSuffix) {
            let path = directory + "/" + name
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if let modified, modified < hourAgo { remove(path) }
        }
    }

    /// The folder's lock, when no other run holds it.
    static func lock(_ directory: String) -> Int32? {
        let descriptor = open(directory + "/lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    static func unlock(_ descriptor: Int32) {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
