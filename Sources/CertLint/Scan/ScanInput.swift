/// One file of the scan as the source gives it: its bytes, or the fact cache's entry for its
/// content (with the bytes when they had to be read to know the content, as on disk).
enum ScanInput: Sendable {
    /// Read; `cacheKey` is where what it gives is stored (nil without a cache).
    case read(ScannedFile, cacheKey: FactCacheKey?)
    case cached(path: String, bytes: [UInt8]?, payload: FactCache.Payload, key: FactCacheKey)

    var cacheKey: FactCacheKey? {
        switch self {
        case .read(_, let key): return key
        case .cached(_, _, _, let key): return key
        }
    }

    var path: String {
        switch self {
        case .read(let file, _): return file.path
        case .cached(let path, _, _, _): return path
        }
    }
}

/// What extracting one file's content gave, as the fact cache stores it: the extraction's outcome
/// and what the scan notes about the bytes themselves.
struct FactCacheRecord: Sendable {
    var transcodedFrom: String?
    var isBinary: Bool
    var outcome: Extraction.FileOutcome
}
