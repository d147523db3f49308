import SwiftASN1
import X509

/// A certificate goes into the fact cache as its DER with what was read from it; reading it back
/// parses the DER again, so a cached certificate is the same value a fresh read gives.
extension CertificateInfo: Codable {
    private enum CodingKeys: String, CodingKey {
        case der, sha256, location, dnsNames, commonName, readLeniently, keyUnknown, unsupportedSignatureOID
        case unloadedRSAKeyBits
    }

    /// A cached certificate whose DER swift-certificates no longer reads as it did.
    struct Unreadable: Error {}

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let der = try container.decode([UInt8].self, forKey: .der)
        // The same guard a fresh read passes before swift-crypto sees the key.
        guard !RSAKeyGuard.certificateHasRefusedKey(der) else { throw Unreadable() }
        certificate = try Certificate(derEncoded: der)
        sha256 = try container.decode(String.self, forKey: .sha256)
        location = try container.decode(SourceLocation.self, forKey: .location)
        dnsNames = try container.decode([String].self, forKey: .dnsNames)
        commonName = try container.decodeIfPresent(String.self, forKey: .commonName)
        readLeniently = try container.decode([String].self, forKey: .readLeniently)
        keyUnknown = try container.decode(Bool.self, forKey: .keyUnknown)
        unsupportedSignatureOID = try container.decodeIfPresent(String.self, forKey: .unsupportedSignatureOID)
        unloadedRSAKeyBits = try container.decodeIfPresent(Int.self, forKey: .unloadedRSAKeyBits)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        try container.encode(serializer.serializedBytes, forKey: .der)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(location, forKey: .location)
        try container.encode(dnsNames, forKey: .dnsNames)
        try container.encodeIfPresent(commonName, forKey: .commonName)
        try container.encode(readLeniently, forKey: .readLeniently)
        try container.encode(keyUnknown, forKey: .keyUnknown)
        try container.encodeIfPresent(unsupportedSignatureOID, forKey: .unsupportedSignatureOID)
        try container.encodeIfPresent(unloadedRSAKeyBits, forKey: .unloadedRSAKeyBits)
    }
}
