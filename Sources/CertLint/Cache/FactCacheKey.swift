import Crypto
import Foundation

/// What a fact cache entry is stored under: SHA-256 of the build that extracted it, the settings
/// that change extraction, the file's path (facts carry it) and the Git object ID of its content.
struct FactCacheKey: Hashable, Sendable {
    /// The 32 bytes as four words: a key is stored inline, with no allocation per entry.
    private let words: (UInt64, UInt64, UInt64, UInt64)

    init(bytes: some Sequence<UInt8>) {
        var buffer = [UInt8](repeating: 0, count: Self.byteCount)
        for (index, byte) in bytes.prefix(Self.byteCount).enumerated() { buffer[index] = byte }
        self.init(buffer[...])
    }

    /// The first 32 bytes as little-endian words; `bytes` holds at least 32.
    init(_ bytes: ArraySlice<UInt8>) {
        precondition(bytes.count >= Self.byteCount)
        words = bytes.withUnsafeBytes { raw in
            (
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            )
        }
    }

    var bytes: [UInt8] {
        [words.0, words.1, words.2, words.3].flatMap { word in
            (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }
    }

    static func == (a: FactCacheKey, b: FactCacheKey) -> Bool { a.words == b.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    static let byteCount = 32
}

/// Makes the keys of one scan.
struct FactCacheKeys: Sendable {
    /// SHA-256 of the build and the settings; every key of the scan starts from it.
    private let prefix: [UInt8]

    /// `build` names the running certlint; `maximumFileSize` is the one setting that decides
    /// what is read at all (a file over it is passed over, whatever the cache holds).
    init(build: String, maximumFileSize: Int) {
        var hash = SHA256()
        hash.update(data: Array("certlint fact cache \(FactCachePack.formatVersion)\0\(build)\0".utf8))
        hash.update(data: Array("max-file-size \(maximumFileSize)\0".utf8))
        prefix = Array(hash.finalize())
    }

    func key(path: String, objectID: [UInt8]) -> FactCacheKey {
        var hash = SHA256()
        hash.update(data: prefix)
        hash.update(data: Array(path.utf8))
        hash.update(data: [0])
        hash.update(data: objectID)
        return FactCacheKey(bytes: hash.finalize())
    }

    /// The ID Git gives these bytes as a blob, so a file on disk and the same content in the index
    /// or a commit share their entries.
    static func objectID(of bytes: [UInt8]) -> [UInt8] {
        var hash = Insecure.SHA1()
        hash.update(data: Array("blob \(bytes.count)\0".utf8))
        hash.update(data: bytes)
        return Array(hash.finalize())
    }

    /// The running build: certlint's version and the executable's identity on disk (device,
    /// inode, size, modification time), so that a rebuilt binary never reads what another build
    /// stored. Without `/proc/self/exe` every run is a build of its own.
    static let currentBuild: String = {
        var status = stat()
        let executable =
            stat("/proc/self/exe", &status) == 0
            ? "\(status.st_dev):\(status.st_ino):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
            : "unknown executable \(UUID().uuidString)"
        return "\(certlintVersion) \(executable)"
    }()
}
