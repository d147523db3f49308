/// One file of the fact cache: a header, then records. A pack is written whole under a temporary
/// name and renamed into place, so a reader sees all of it or none; a pack that does not parse is
/// ignored whole, and a record whose payload fails its checksum is not used.
///
/// ```
/// header  "CLFACTS\0", format version (UInt32), record count (UInt32)
/// record  key (32 bytes), last use (UInt64, seconds since 1970), payload length (UInt32;
///         UInt32.max: a use without a payload), payload checksum (UInt64, FNV-1a), payload
/// ```
/// Numbers are little-endian.
enum FactCachePack {
    static let formatVersion: UInt32 = 1
    static let magic = Array("CLFACTS\0".utf8)
    static let headerSize = magic.count + 8
    static let recordHeaderSize = FactCacheKey.byteCount + 8 + 4 + 8
    private static let useOnly = UInt32.max

    /// A record: an entry with its payload, or a later use of an entry stored elsewhere.
    struct Record {
        let key: FactCacheKey
        let lastUse: UInt64
        /// Where the payload lies in the pack's bytes; nil for a use.
        let payload: Range<Int>?
        let checksum: UInt64
    }

    static func encode(
        entries: [(key: FactCacheKey, lastUse: UInt64, payload: ArraySlice<UInt8>)],
        uses: [(key: FactCacheKey, lastUse: UInt64)]
    ) -> [UInt8] {
        var bytes = magic
        append(formatVersion, to: &bytes)
        append(UInt32(entries.count + uses.count), to: &bytes)
        for entry in entries {
            bytes += entry.key.bytes
            append(entry.lastUse, to: &bytes)
            append(UInt32(entry.payload.count), to: &bytes)
            append(checksum(entry.payload), to: &bytes)
            bytes += entry.payload
        }
        for use in uses {
            bytes += use.key.bytes
            append(use.lastUse, to: &bytes)
            append(useOnly, to: &bytes)
            append(UInt64(0), to: &bytes)
        }
        return bytes
    }

    /// The records of a pack, or nil when it is not a whole pack of this format.
    static func records(in bytes: [UInt8]) -> [Record]? {
        guard bytes.count >= headerSize, bytes.starts(with: magic),
            number(UInt32.self, in: bytes, at: magic.count) == formatVersion
        else { return nil }
        let count = Int(number(UInt32.self, in: bytes, at: magic.count + 4))
        guard count <= (bytes.count - headerSize) / recordHeaderSize else { return nil }
        var records: [Record] = []
        records.reserveCapacity(count)
        var offset = headerSize
        for _ in 0..<count {
            guard bytes.count - offset >= recordHeaderSize else { return nil }
            let key = FactCacheKey(bytes[offset..<offset + FactCacheKey.byteCount])
            offset += FactCacheKey.byteCount
            let lastUse = number(UInt64.self, in: bytes, at: offset)
            let length = number(UInt32.self, in: bytes, at: offset + 8)
            let sum = number(UInt64.self, in: bytes, at: offset + 12)
            offset += 20
            var payload: Range<Int>?
            if length != useOnly {
                guard Int(length) <= bytes.count - offset else { return nil }
                payload = offset..<offset + Int(length)
                offset += Int(length)
            }
            records.append(Record(key: key, lastUse: lastUse, payload: payload, checksum: sum))
        }
        return offset == bytes.count ? records : nil
    }

    /// FNV-1a, 64 bits: catches a flipped or truncated payload; the pack's folder is trusted no
    /// further than that (keys name the build, so another program's entries are never found).
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in buffer {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            return hash
        }
    }

    private static func append<Number: FixedWidthInteger>(_ value: Number, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func number<Number: FixedWidthInteger>(_ type: Number.Type, in bytes: [UInt8], at offset: Int)
        -> Number
    {
        var value = Number.zero
        for index in (0..<MemoryLayout<Number>.size).reversed() {
            value = value << 8 | Number(bytes[offset + index])
        }
        return value
    }
}
