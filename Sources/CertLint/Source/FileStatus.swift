import Foundation

/// What `lstat` says about a file, as far as telling whether its content may have changed:
/// device, inode, size, mode, and the modification and status-change times in nanoseconds.
struct FileStatus: Equatable, Sendable {
    var device, inode, size, mode: UInt64
    var modified, changed: Int64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = UInt64(status.st_size)
        mode = UInt64(status.st_mode)
        modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        changed = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
    }

    init(device: UInt64, inode: UInt64, size: UInt64, mode: UInt64, modified: Int64, changed: Int64) {
        (self.device, self.inode, self.size, self.mode) = (device, inode, size, mode)
        (self.modified, self.changed) = (modified, changed)
    }
}
