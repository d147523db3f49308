import Crypto
import Foundation

/// For the working tree: the Git object ID of each file's content as last read, with what
/// `lstat` said just before that read, so an unchanged file is known by one `lstat` instead of a
/// read and a hash (Git's index does the same). A record is trusted only when the file had not
/// been touched for two seconds before the scan that made it (a file changed within the
/// timestamps' granularity could look unchanged), and only when no folder on its path is a link.
/// One file per work tree in the cache folder, replaced whole.
final class WorkTreeStatIndex {
    private struct Record {
        var status: FileStatus
        var objectID: [UInt8]
    }

    static let magic = Array("CLSTAT1\0".utf8)
    static let suffix = ".stat"
    /// Changes this close to a scan's start are not trusted (coarse file-system clocks).
    static let racyMargin: Int64 = 2_000_000_000

    let file: String
    private let root: String
    private let scanStart: Int64
    private var records: [String: Record]
    private var changed = false
    private var folders: [Substring: Bool] = [:]

    /// The index of the work tree at `root`, in `directory` (empty when there is none yet).
    init(
        directory: String, root: String, sizeLimit: Int = FactCache.loadLimit(FactCacheSettings().maximumBytes),
        now: Date = Date()
    ) {
        let name = SHA256.hash(data: Array(root.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        file = "\(directory)/worktree-\(name)\(Self.suffix)"
        self.root = root
        scanStart = Int64(now.timeIntervalSince1970 * 1_000_000_000)
        records = FactCacheFiles.read(file, sizeLimit: sizeLimit).flatMap(Self.parse) ?? [:]
    }

    /// The `lstat` of a file of the work tree, when it is a regular file.
    func status(of path: String) -> FileStatus? {
        var status = stat()
        guard lstat(root + "/" + path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileStatus(status)
    }

    /// The object ID of the file's content, when its record is trusted and `lstat` (`status`,
    /// when the listing already asked) still says what it said when the content was read.
    /// `entered`: the folders the listing read without following a link (`Snapshot.enteredFolders`),
    /// which spares asking about each folder again.
    func objectID(of path: String, status known: FileStatus? = nil, entered: Set<String>? = nil) -> [UInt8]? {
        guard let record = records[path] else { return nil }
        if let entered {
            guard entered.contains(String(RepositoryPath.folder(of: path))) else { return nil }
        } else {
            guard foldersAreReal(path) else { return nil }
        }
        guard (known ?? status(of: path)) == record.status else { return nil }
        return record.objectID
    }

    /// Notes what was read: `status` is the file's `lstat` taken before the read.
    func record(_ path: String, status: FileStatus, objectID: [UInt8]) {
        let trusted = status.modified < scanStart - Self.racyMargin && status.changed < scanStart - Self.racyMargin
        guard trusted else {
            changed = records.removeValue(forKey: path) != nil || changed
            return
        }
        if records[path]?.status != status || records[path]?.objectID != objectID {
            records[path] = Record(status: status, objectID: objectID)
            changed = true
        }
    }

    /// Every folder on the path is a folder (not a link) this user may enter; asked once per folder.
    private func foldersAreReal(_ path: String) -> Bool {
        var folder = path[...]
        var pending: [Substring] = []
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            if let known = folders[folder] {
                if !known { return false }
                break
            }
            pending.append(folder)
        }
        for folder in pending.reversed() {
            var status = stat()
            let full = root + "/" + folder
            let real =
                lstat(full, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR && access(full, X_OK | R_OK) == 0
            folders[folder] = real
            if !real { return false }
        }
        return true
    }

    /// Writes the records when this scan changed any. Records of files no longer there stay
    /// (they never match an `lstat` again) until the cache is cleared.
    func save() {
        guard changed else { return }
        var bytes = Self.magic
        let encoder = FactCacheEncoder()
        encoder.writeLength(records.count)
        for (path, record) in records {
            encoder.write(path)
            for number in [record.status.device, record.status.inode, record.status.size, record.status.mode] {
                encoder.writeUnsigned(number)
            }
            encoder.writeSigned(record.status.modified)
            encoder.writeSigned(record.status.changed)
            encoder.write(record.objectID)
        }
        bytes += encoder.bytes
        _ = FactCacheFiles.write(bytes, to: file)
        changed = false
    }

    private static func parse(_ bytes: [UInt8]) -> [String: Record]? {
        guard bytes.starts(with: magic) else { return nil }
        let reader = FactCacheReader(Array(bytes.dropFirst(magic.count)))
        do {
            var records: [String: Record] = [:]
            for _ in 0..<(try reader.readLength()) {
                let path = try reader.readString()
                let status = FileStatus(
                    device: try reader.readUnsigned(), inode: try reader.readUnsigned(),
                    size: try reader.readUnsigned(),
                    mode: try reader.readUnsigned(), modified: try reader.readSigned(), changed: try reader.readSigned()
                )
                records[path] = Record(status: status, objectID: try reader.readBytes())
            }
            try reader.expectEnd()
            return records
        } catch {
            return nil
        }
    }
}
