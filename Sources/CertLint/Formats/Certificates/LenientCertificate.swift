import SwiftASN1
import X509

/// Certificates swift-certificates refuses but OpenSSL reads, as RFC 5280 asks of parsers
/// (§4.1.2.2: "be prepared to gracefully handle" negative serial numbers; §4.1.2.8: unique
/// identifiers). The DER is walked with SwiftASN1, what is refused is rewritten (the serial's
/// bytes read as unsigned, the unique identifiers left out) and the result is read by
/// swift-certificates. The names, dates, key and extensions are the certificate's own; its
/// signature no longer covers what was read, so nothing that checks a signature may use it.
enum LenientCertificate {
    /// The certificate as OpenSSL reads it, and what had to be rewritten; nil when the DER has
    /// another problem.
    static func read(_ der: [UInt8]) -> (certificate: Certificate, rewritten: [String])? {
        guard let root = try? DER.parse(der), case .constructed(let parts) = root.content else { return nil }
        let outer = Array(parts)
        guard outer.count == 3, case .constructed(let tbsParts) = outer[0].content else { return nil }
        var rewritten: [String] = []
        var fields: [ArraySlice<UInt8>] = []
        var serialSeen = false
        for field in tbsParts {
            if field.identifier.tagClass == .contextSpecific && (field.identifier.tagNumber == 1 || field.identifier.tagNumber == 2) {
                rewritten.append(field.identifier.tagNumber == 1 ? "an issuer unique ID" : "a subject unique ID")
                continue
            }
            if !serialSeen, field.identifier == .integer, case .primitive(let bytes) = field.content {
                serialSeen = true
                if let positive = unsignedSerial(bytes) {
                    rewritten.append(bytes.first.map { $0 & 0x80 != 0 } == true ? "a negative serial number" : "a serial number with redundant leading bytes")
                    fields.append(encoded(.integer, positive))
                    continue
                }
            }
            fields.append(field.encodedBytes)
        }
        guard !rewritten.isEmpty else { return nil }
        var serializer = DER.Serializer()
        do {
            serializer.appendConstructedNode(identifier: .sequence) { certificate in
                certificate.appendConstructedNode(identifier: .sequence) { tbs in
                    for field in fields { tbs.serializeRawBytes(field) }
                }
                certificate.serializeRawBytes(outer[1].encodedBytes)
                certificate.serializeRawBytes(outer[2].encodedBytes)
            }
            return (try Certificate(derEncoded: serializer.serializedBytes), rewritten)
        } catch {
            return nil
        }
    }

    /// A serial's bytes as an unsigned, minimally encoded INTEGER; nil when they already are one.
    private static func unsignedSerial(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        guard let first = bytes.first else { return nil }
        let negative = first & 0x80 != 0
        let redundant = bytes.count > 1 && (first == 0x00 && bytes[bytes.startIndex + 1] & 0x80 == 0 || first == 0xFF && bytes[bytes.startIndex + 1] & 0x80 != 0)
        guard negative || redundant else { return nil }
        var magnitude = Array(bytes.drop { $0 == 0x00 })
        if magnitude.isEmpty { magnitude = [0] }
        return magnitude[0] & 0x80 != 0 ? [0] + magnitude : magnitude
    }

    private static func encoded(_ identifier: ASN1Identifier, _ content: [UInt8]) -> ArraySlice<UInt8> {
        var serializer = DER.Serializer()
        serializer.appendPrimitiveNode(identifier: identifier) { $0 += content }
        return serializer.serializedBytes[...]
    }
}
