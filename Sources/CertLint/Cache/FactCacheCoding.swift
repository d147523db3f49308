import Foundation

/// Entries as JSON. An entry whose text holds anything the redactor would hide (a private key in
/// a Terraform string, a passphrase field) is not stored: the cache never holds key material,
/// and that file is extracted again on every run.
enum FactCacheCoding {
    static func encode(_ record: FactCacheRecord) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return nil }
        let bytes = [UInt8](data)
        guard Redactor.secretSpans(in: String(decoding: bytes, as: UTF8.self)).isEmpty else { return nil }
        return bytes
    }

    /// The record, or nil when the payload fails its checksum or does not decode as a record of
    /// this build (both rebuild the entry).
    static func decode(_ payload: FactCache.Payload) -> FactCacheRecord? {
        guard payload.isIntact else { return nil }
        return try? JSONDecoder().decode(FactCacheRecord.self, from: Data(payload.bytes))
    }
}
