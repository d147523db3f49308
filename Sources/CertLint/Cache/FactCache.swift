import Foundation

/// The fact cache: what extracting a file's content gave (`FactCacheRecord`), kept between runs in
/// pack files so that unchanged content is not read or parsed again. A run loads every pack, looks
/// entries up by key, and at its end writes one new pack with what it extracted and the entries it
/// used again; when there are many packs or they outgrow the size bound, one run (the one holding
/// the folder's lock) merges them, dropping the entries used longest ago.
///
/// Not `Sendable`: the scan's thread owns it; payloads it hands out are values.
final class FactCache {
    let directory: String
    let maximumBytes: Int
    private var packs: [(name: String, bytes: [UInt8])] = []
    private var entries: [FactCacheKey: Entry] = [:]
    private var added: [(key: FactCacheKey, payload: [UInt8])] = []
    private var used: [FactCacheKey] = []
    /// This run's time, seconds since 1970: the last use of what it adds and uses.
    private let now: UInt64

    /// An entry's payload (which pack, where) and the last time a run used it.
    private struct Entry {
        var pack: Int
        var payload: Range<Int>
        var checksum: UInt64
        var lastUse: UInt64
    }

    /// An entry as a scan gets it: its bytes and the checksum they must have.
    struct Payload: Sendable {
        let bytes: ArraySlice<UInt8>
        let checksum: UInt64
        var isIntact: Bool { FactCachePack.checksum(bytes) == checksum }
    }

    /// A run uses an entry again without writing it down unless its last use is older than this.
    static let useGranularity: UInt64 = 3600
    /// Merge when there are more packs than this.
    static let maximumPacks = 16

    /// The largest cache file loaded: twice the bound (one run's pack may pass the bound until the
    /// next merge trims it; a larger file is someone else's, and is not read into memory).
    static func loadLimit(_ maximumBytes: Int) -> Int { 2 * maximumBytes }

    /// The keys this cache holds payloads for.
    var keys: Set<FactCacheKey> { Set(entries.keys) }

    /// The cache in `directory`, created when missing; nil when it cannot be (a read-only
    /// repository runs without a cache, as a CI image without a persistent folder does).
    init?(directory: String, maximumBytes: Int, now: UInt64 = UInt64(Date().timeIntervalSince1970)) {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.now = now
        guard FactCacheFiles.makeFolder(directory) else { return nil }
        for name in FactCacheFiles.packNames(in: directory) {
            guard let bytes = FactCacheFiles.read(directory + "/" + name, sizeLimit: Self.loadLimit(maximumBytes)),
                let records = FactCachePack.records(in: bytes)
            else { continue }
            index(records, pack: packs.count)
            packs.append((name, bytes))
        }
    }

    private func index(_ records: [FactCachePack.Record], pack: Int) {
        entries.reserveCapacity(entries.count + records.count)
        for record in records {
            if let payload = record.payload {
                let lastUse = max(record.lastUse, entries[record.key]?.lastUse ?? 0)
                entries[record.key] = Entry(
                    pack: pack, payload: payload, checksum: record.checksum, lastUse: lastUse)
            } else if var entry = entries[record.key] {
                entry.lastUse = max(entry.lastUse, record.lastUse)
                entries[record.key] = entry
            }
        }
    }

    /// The payload stored under `key`, noted as used by this run.
    func payload(for key: FactCacheKey) -> Payload? {
        guard let entry = entries[key] else { return nil }
        if entry.lastUse + Self.useGranularity < now { used.append(key) }
        return Payload(bytes: packs[entry.pack].bytes[entry.payload], checksum: entry.checksum)
    }

    /// Keeps a payload for the pack this run writes.
    func add(_ payload: [UInt8], for key: FactCacheKey) {
        added.append((key, payload))
    }

    /// Writes what this run added and used as one pack, then merges the packs when there are
    /// too many or they are too large. Failures leave the cache as it was: the next run is colder.
    func save() {
        if !added.isEmpty || !used.isEmpty {
            let pack = FactCachePack.encode(
                entries: added.map { ($0.key, now, $0.payload[...]) }, uses: used.map { ($0, now) })
            if let name = FactCacheFiles.writePack(pack, in: directory), let records = FactCachePack.records(in: pack) {
                index(records, pack: packs.count)
                packs.append((name, pack))
            }
            added = []
            used = []
        }
        let size = packs.reduce(0) { $0 + $1.bytes.count }
        if packs.count > Self.maximumPacks || size > maximumBytes { merge() }
    }

    /// One pack of the entries used most recently, up to three quarters of the bound; the packs
    /// it replaces are removed. Only the run holding the folder's lock merges.
    private func merge() {
        guard let lock = FactCacheFiles.lock(directory) else { return }
        defer { FactCacheFiles.unlock(lock) }
        let names = FactCacheFiles.packNames(in: directory)
        let known = Set(packs.map(\.name))
        for name in names where !known.contains(name) {
            guard let bytes = FactCacheFiles.read(directory + "/" + name, sizeLimit: Self.loadLimit(maximumBytes)),
                let records = FactCachePack.records(in: bytes)
            else { continue }
            index(records, pack: packs.count)
            packs.append((name, bytes))
        }
        var kept: [(key: FactCacheKey, lastUse: UInt64, payload: ArraySlice<UInt8>)] = []
        var size = FactCachePack.headerSize
        let budget = maximumBytes / 4 * 3
        let newestFirst = entries.sorted { first, second in
            first.value.lastUse != second.value.lastUse
                ? first.value.lastUse > second.value.lastUse
                : first.key.bytes.lexicographicallyPrecedes(second.key.bytes)
        }
        for (key, entry) in newestFirst {
            let bytes = packs[entry.pack].bytes[entry.payload]
            guard FactCachePack.checksum(bytes) == entry.checksum else { continue }
            size += FactCachePack.recordHeaderSize + bytes.count
            if size > budget { break }
            kept.append((key, entry.lastUse, bytes))
        }
        let merged = FactCachePack.encode(entries: kept, uses: [])
        guard let name = FactCacheFiles.writePack(merged, in: directory) else { return }
        for old in names { FactCacheFiles.remove(directory + "/" + old) }
        FactCacheFiles.removeAbandoned(in: directory)
        packs = [(name, merged)]
        entries = [:]
        if let records = FactCachePack.records(in: merged) { index(records, pack: 0) }
    }
}
