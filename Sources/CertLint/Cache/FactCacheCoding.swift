/// Entries in the fact cache's binary form (`FactCacheEncoder`). An entry whose bytes hold
/// anything the redactor would hide (a private key in a Terraform string, a passphrase field) is
/// not stored: the cache never holds key material, and that file is extracted again on every run.
enum FactCacheCoding {
    static func encode(_ record: FactCacheRecord) -> [UInt8]? {
        let encoder = FactCacheEncoder()
        guard (try? record.write(to: encoder)) != nil else { return nil }
        let bytes = encoder.bytes
        guard !mayHoldSecrets(bytes) || Redactor.secretSpans(in: String(decoding: bytes, as: UTF8.self)).isEmpty
        else { return nil }
        return bytes
    }

    /// The record, or nil when the payload fails its checksum or does not decode as a record of
    /// this build (both rebuild the entry).
    static func decode(_ payload: FactCache.Payload) -> FactCacheRecord? {
        guard payload.isIntact else { return nil }
        let reader = FactCacheReader(Array(payload.bytes))
        guard let record = try? FactCacheRecord.read(from: reader), (try? reader.expectEnd()) != nil else { return nil }
        return record
    }

    /// Whether the redactor could find anything: every span it makes needs `key`, `passphrase`,
    /// `password` or `ciphertext` (any case, the Kelvin sign for `k` included: PEM labels and
    /// field names), or a run of 60 base64 characters (`\n` escapes inside it allowed). Most
    /// entries have none, and the redactor's full look is then skipped.
    static func mayHoldSecrets(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var run = 0
            var index = 0
            while index < buffer.count {
                let byte = buffer[index]
                if isBase64(byte) {
                    run += 1
                    if run >= Base64KeyScanner.minimumRun { return true }
                } else if byte == UInt8(ascii: "\\"), index + 1 < buffer.count,
                    buffer[index + 1] == UInt8(ascii: "n") || buffer[index + 1] == UInt8(ascii: "r")
                {
                    index += 1
                } else {
                    run = 0
                }
                let lower = byte | 0x20
                if lower == UInt8(ascii: "k") || lower == UInt8(ascii: "p") || lower == UInt8(ascii: "c"),
                    startsWord(buffer, at: index)
                {
                    return true
                }
                // The Kelvin sign (U+212A) lower-cases to `k`, as the redactor reads names.
                if byte == 0xE2, index + 2 < buffer.count, buffer[index + 1] == 0x84, buffer[index + 2] == 0xAA {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    private static let words = ["key", "passphrase", "password", "ciphertext"].map { Array($0.utf8) }

    private static func startsWord(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        words.contains { word in
            guard buffer.count - index >= word.count else { return false }
            for offset in 0..<word.count where buffer[index + offset] | 0x20 != word[offset] { return false }
            return true
        }
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
