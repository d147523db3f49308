import Foundation

/// Opens a file of the work tree without ever leaving the repository: the path is walked one
/// component at a time from a descriptor of the root (`openat` with `O_NOFOLLOW`), so a folder
/// that is a symbolic link is never passed through by the kernel. A link inside the path is
/// resolved by certlint against the repository's own layout and followed only while it stays
/// inside; otherwise the read is refused with the reason. No string-prefix test is involved.
final class ContainedFile {
    enum Outcome {
        case bytes([UInt8])
        case refused(Skip)
    }

    let root: String
    /// A descriptor of the root, opened once for every read of a scan (-1 when it could not be).
    private let rootDescriptor: Int32
    private let rootError: Int32

    init(root: String) {
        self.root = root
        rootDescriptor = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        rootError = rootDescriptor < 0 ? errno : 0
    }

    deinit {
        if rootDescriptor >= 0 { close(rootDescriptor) }
    }

    /// Links followed within one path before giving up (Linux's own limit is 40).
    static let maximumLinks = 40

    func read(_ path: String, sizeLimit: Int) -> Outcome {
        guard rootDescriptor >= 0 else {
            return .refused(.unreadable("could not be read (the repository root: \(Self.reason(rootError)))"))
        }
        var logical = path.split(separator: "/").map(String.init)
        guard !logical.isEmpty, !logical.contains(".."), !logical.contains(".") else {
            return .refused(.leavesRepository("is not a path inside the repository"))
        }
        var links = 0
        restart: while true {
            var directory = rootDescriptor
            var opened: [Int32] = []
            defer { for descriptor in opened { close(descriptor) } }
            for (position, name) in logical.enumerated() {
                let isLast = position == logical.count - 1
                let flags =
                    isLast
                    ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                let descriptor = openat(directory, name, flags)
                if descriptor >= 0 {
                    if isLast { return Self.readRegular(descriptor, sizeLimit: sizeLimit) }
                    opened.append(descriptor)
                    directory = descriptor
                    continue
                }
                let failure = errno
                let walked = logical[...position].joined(separator: "/")
                guard failure == ELOOP || failure == ENOTDIR || (failure == ENXIO && isLast) else {
                    if failure == ENXIO { return .refused(.unreadable("is not a regular file")) }
                    return .refused(.unreadable("could not be read (\(walked): \(Self.reason(failure)))"))
                }
                guard let target = Self.linkTarget(name, in: directory) else {
                    if failure == ENOTDIR {
                        return .refused(.unreadable("is not in a folder (\(walked) is a file on disk)"))
                    }
                    return .refused(.unreadable("could not be read (\(walked): \(Self.reason(failure)))"))
                }
                links += 1
                guard links <= Self.maximumLinks else {
                    return .refused(
                        .leavesRepository("passes through more than \(Self.maximumLinks) symbolic links; not followed"))
                }
                guard let resolved = Snapshot.linkTarget(target, of: walked, root: root) else {
                    let what = isLast ? "is a symbolic link" : "is inside \(walked), a symbolic link"
                    return .refused(.leavesRepository("\(what) to \(target), outside the repository; not followed"))
                }
                logical = resolved.split(separator: "/").map(String.init) + logical[(position + 1)...]
                continue restart
            }
            return .refused(.leavesRepository("is not a path inside the repository"))
        }
    }

    private static func linkTarget(_ name: String, in directory: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(directory, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads an opened file when it is a regular file within the limit, never more than the limit.
    private static func readRegular(_ descriptor: Int32, sizeLimit: Int) -> Outcome {
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .refused(.unreadable("could not be read (\(reason(errno)))"))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .refused(.unreadable("is a folder on disk, not a file"))
        default: return .refused(.unreadable("is not a regular file"))
        }
        if Int(info.st_size) > sizeLimit { return .refused(.tooLarge(size: Int(info.st_size), limit: sizeLimit)) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes[filled...].withUnsafeMutableBytes {
                Foundation.read(descriptor, $0.baseAddress, $0.count)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        return .bytes(Array(bytes[0..<filled]))
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
