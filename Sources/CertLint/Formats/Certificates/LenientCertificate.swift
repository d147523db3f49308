import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificates swift-certificates refuses but OpenSSL reads. RFC 5280 asks parsers to accept
/// some of them (a negative serial number, unique identifiers); others break DER's strict rules
/// (a DEFAULT value written out, a SET OF out of order, a time without seconds, an extension
/// twice) or use algorithms swift-certificates does not support (MD5 or RSA-PSS signatures, an
/// RSA key with an even modulus).
///
/// The DER is walked with SwiftASN1; what is refused is rewritten and the result read by
/// swift-certificates. Names, dates and extensions stay the certificate's own. Each rewrite is
/// named, and what could not be kept says which checks cannot run: a replaced public key has no
/// size to judge, and no rewritten certificate has a signature to check a chain with.
enum LenientCertificate {
    struct Reading {
        let certificate: Certificate
        /// What was rewritten, for the note: `a negative serial number`.
        let rewritten: [String]
        /// The key could not be read: its strength is not known.
        let keyUnknown: Bool
        /// The signature algorithm's OID as written (`1.2.840.113549.1.1.4`).
        let signatureAlgorithmOID: String?
        /// The modulus size of an RSA key that could not be loaded (swift-crypto refuses keys
        /// under 2048 bits), read from its DER.
        let rsaKeyBits: Int?
    }

    /// The to-be-signed fields as rewritten so far, and what was rewritten.
    private struct Rewriting {
        var rewritten: [String] = []
        var keyUnknown = false
        var rsaKeyBits: Int?
        var fields: [ArraySlice<UInt8>] = []
    }

    /// The certificate as OpenSSL reads it; nil when the DER is broken beyond these rewrites.
    static func read(_ der: [UInt8]) -> Reading? {
        guard let root = try? DER.parse(der), case .constructed(let parts) = root.content else { return nil }
        let outer = Array(parts)
        guard outer.count == 3, case .constructed(let tbsParts) = outer[0].content else { return nil }
        let signatureOID = RSAKeyGuard.algorithmOID(outer[1])
        let signatureSupported = supportedSignatures.contains(Array(outer[1].encodedBytes))
        let signature = signatureSupported ? outer[1].encodedBytes : replacementSignature(signatureOID)
        var rewriting = Rewriting()
        var position = 0  // 0 version/serial, then signature, issuer, validity, subject, key
        for field in tbsParts where !rewriteTagged(field, position: position, &rewriting) {
            rewritePositional(
                field, position: position, signature: signatureSupported ? nil : signature, &rewriting)
            position += 1
        }
        if !signatureSupported {
            rewriting.rewritten.append(
                "the signature algorithm \(signatureOID ?? "?"), which swift-certificates does not support")
        }
        guard !rewriting.rewritten.isEmpty else { return nil }
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { certificate in
            certificate.appendConstructedNode(identifier: .sequence) { tbs in
                for field in rewriting.fields { tbs.serializeRawBytes(field) }
            }
            certificate.serializeRawBytes(signature)
            certificate.serializeRawBytes(outer[2].encodedBytes)
        }
        guard let certificate = try? Certificate(derEncoded: serializer.serializedBytes) else { return nil }
        var unique: [String] = []
        for item in rewriting.rewritten where !unique.contains(item) { unique.append(item) }
        return Reading(
            certificate: certificate, rewritten: unique, keyUnknown: rewriting.keyUnknown,
            signatureAlgorithmOID: signatureOID, rsaKeyBits: rewriting.rsaKeyBits)
    }

    /// The context-tagged fields: the version (`[0]`, before the serial), the unique IDs (`[1]`,
    /// `[2]`, left out) and the extensions (`[3]`). False for a field that is not one of them.
    private static func rewriteTagged(_ field: ASN1Node, position: Int, _ rewriting: inout Rewriting) -> Bool {
        let tag = field.identifier
        guard tag.tagClass == .contextSpecific else { return false }
        switch tag.tagNumber {
        case 0 where position == 0:
            switch versionNumber(field) {
            case 0?: rewriting.rewritten.append("version 1 written out (DER leaves a DEFAULT value out)")
            case let number? where number > 2:
                rewriting.rewritten.append("an unknown version \(number + 1)")
                rewriting.fields.append(explicitVersion3)
            default: rewriting.fields.append(field.encodedBytes)
            }
        case 1, 2:
            rewriting.rewritten.append(tag.tagNumber == 1 ? "an issuer unique ID" : "a subject unique ID")
        case 3:
            rewriting.fields.append(extensions(field, &rewriting.rewritten))
        default:
            return false
        }
        return true
    }

    /// The fields in order: serial, signature (replaced by `signature` when one is given), issuer,
    /// validity, subject, public key.
    private static func rewritePositional(
        _ field: ASN1Node, position: Int, signature: ArraySlice<UInt8>?, _ rewriting: inout Rewriting
    ) {
        switch position {
        case 0:
            if case .primitive(let bytes) = field.content, let positive = unsignedSerial(bytes) {
                rewriting.rewritten.append(
                    bytes.first.map { $0 & 0x80 != 0 } == true
                        ? "a negative serial number" : "a serial number with redundant leading bytes")
                rewriting.fields.append(encoded(.integer, positive))
            } else {
                rewriting.fields.append(field.encodedBytes)
            }
        case 1:
            rewriting.fields.append(signature ?? field.encodedBytes)
        case 2, 4:
            rewriting.fields.append(sortedName(field, &rewriting.rewritten))
        case 3:
            rewriting.fields.append(validity(field, &rewriting.rewritten))
        case 5:
            if RSAKeyGuard.refuses(spki: field)
                || (try? Certificate.PublicKey(derEncoded: Array(field.encodedBytes))) == nil
            {
                rewriting.rewritten.append("a public key swift-certificates cannot read")
                rewriting.keyUnknown = true
                rewriting.rsaKeyBits = RSAKeyGuard.modulusBits(spki: field)
                rewriting.fields.append(placeholderKey)
            } else {
                rewriting.fields.append(field.encodedBytes)
            }
        default:
            rewriting.fields.append(field.encodedBytes)
        }
    }

    // MARK: Fields

    private static func versionNumber(_ field: ASN1Node) -> Int? {
        guard case .constructed(let inner) = field.content, let integer = inner.first(where: { _ in true }),
            case .primitive(let bytes) = integer.content, bytes.count == 1
        else { return nil }
        return Int(bytes.first!)
    }

    private static let explicitVersion3: ArraySlice<UInt8> = [0xA0, 0x03, 0x02, 0x01, 0x02]

    /// A serial's bytes as an unsigned, minimally encoded INTEGER; nil when they already are one.
    private static func unsignedSerial(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        guard let first = bytes.first else { return nil }
        let negative = first & 0x80 != 0
        let second = bytes.dropFirst().first ?? 0
        let redundant = bytes.count > 1 && (first == 0x00 && second & 0x80 == 0 || first == 0xFF && second & 0x80 != 0)
        guard negative || redundant else { return nil }
        var magnitude = Array(bytes.drop { $0 == 0x00 })
        if magnitude.isEmpty { magnitude = [0] }
        return magnitude[0] & 0x80 != 0 ? [0] + magnitude : magnitude
    }

    /// A Name with each RDN's SET OF in DER order.
    private static func sortedName(_ name: ASN1Node, _ rewritten: inout [String]) -> ArraySlice<UInt8> {
        guard case .constructed(let rdns) = name.content else { return name.encodedBytes }
        var changed = false
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: name.identifier) { sequence in
            for rdn in rdns {
                guard case .constructed(let attributes) = rdn.content else {
                    sequence.serializeRawBytes(rdn.encodedBytes)
                    continue
                }
                let original = attributes.map { Array($0.encodedBytes) }
                let sorted = original.sorted { $0.lexicographicallyPrecedes($1) }
                if sorted != original { changed = true }
                sequence.appendConstructedNode(identifier: rdn.identifier) { set in
                    for attribute in sorted { set.serializeRawBytes(attribute) }
                }
            }
        }
        guard changed else { return name.encodedBytes }
        rewritten.append("a name whose SET OF is not in DER order")
        return serializer.serializedBytes[...]
    }

    /// Validity with each time in DER's form (seconds, `Z`).
    private static func validity(_ field: ASN1Node, _ rewritten: inout [String]) -> ArraySlice<UInt8> {
        guard case .constructed(let times) = field.content else { return field.encodedBytes }
        var changed = false
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { sequence in
            for time in times {
                if case .primitive(let bytes) = time.content,
                    let date = looseTime(
                        String(decoding: bytes, as: UTF8.self), generalized: time.identifier == .generalizedTime)
                {
                    let canonical = derTime(date)
                    if canonical.identifier != time.identifier
                        || canonical.text != String(decoding: bytes, as: UTF8.self)
                    {
                        changed = true
                        sequence.appendPrimitiveNode(identifier: canonical.identifier) {
                            $0 += Array(canonical.text.utf8)
                        }
                        continue
                    }
                }
                sequence.serializeRawBytes(time.encodedBytes)
            }
        }
        guard changed else { return field.encodedBytes }
        rewritten.append("a validity time not in DER form")
        return serializer.serializedBytes[...]
    }

    /// UTCTime `YYMMDDhhmm[ss](Z|±hhmm)` or GeneralizedTime `YYYYMMDDhh[mm[ss[.f…]]](Z|±hhmm)`.
    static func looseTime(_ text: String, generalized: Bool) -> Date? {
        var rest = Substring(text)
        var offset = 0
        if rest.hasSuffix("Z") {
            rest = rest.dropLast()
        } else if rest.count >= 5, let sign = rest.dropLast(4).last, sign == "+" || sign == "-",
            let zone = Int(rest.suffix(4))
        {
            offset = (zone / 100 * 3600 + zone % 100 * 60) * (sign == "+" ? 1 : -1)
            rest = rest.dropLast(5)
        }
        if let dot = rest.firstIndex(of: ".") { rest = rest[..<dot] }
        guard rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber) else { return nil }
        let digits = Array(rest).map { Int(String($0))! }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= digits.count else { return nil }
            return digits[from..<(from + count)].reduce(0) { $0 * 10 + $1 }
        }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        let base: Int
        if generalized {
            guard let year = number(0, 4) else { return nil }
            components.year = year
            base = 4
        } else {
            guard let year = number(0, 2) else { return nil }
            components.year = year < 50 ? 2000 + year : 1900 + year
            base = 2
        }
        guard let month = number(base, 2), let day = number(base + 2, 2), let hour = number(base + 4, 2) else {
            return nil
        }
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = number(base + 6, 2) ?? 0
        components.second = number(base + 8, 2) ?? 0
        guard let date = Calendar(identifier: .gregorian).date(from: components) else { return nil }
        return date.addingTimeInterval(TimeInterval(-offset))
    }

    /// UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
    private static func derTime(_ date: Date) -> (identifier: ASN1Identifier, text: String) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy"
        let year = Int(formatter.string(from: date)) ?? 2000
        let utc = (1950...2049).contains(year)
        formatter.dateFormat = utc ? "yyMMddHHmmss" : "yyyyMMddHHmmss"
        return (utc ? .utcTime : .generalizedTime, formatter.string(from: date) + "Z")
    }

    /// Extensions with each OID once (the first kept) and `critical` left out when FALSE.
    private static func extensions(_ field: ASN1Node, _ rewritten: inout [String]) -> ArraySlice<UInt8> {
        guard case .constructed(let wrapper) = field.content, let list = wrapper.first(where: { _ in true }),
            case .constructed(let items) = list.content
        else { return field.encodedBytes }
        var seen: Set<[UInt8]> = []
        var kept: [ArraySlice<UInt8>] = []
        var changed = false
        for item in items {
            guard case .constructed(let parts) = item.content else {
                kept.append(item.encodedBytes)
                continue
            }
            let values = Array(parts)
            guard let oid = values.first else { continue }
            guard seen.insert(Array(oid.encodedBytes)).inserted else {
                rewritten.append("an extension that appears twice (the first is read)")
                changed = true
                continue
            }
            if values.count == 3, values[1].identifier == .boolean, case .primitive(let flag) = values[1].content,
                flag.allSatisfy({ $0 == 0 })
            {
                rewritten.append("critical FALSE written out (DER leaves a DEFAULT value out)")
                changed = true
                var serializer = DER.Serializer()
                serializer.appendConstructedNode(identifier: .sequence) {
                    $0.serializeRawBytes(values[0].encodedBytes)
                    $0.serializeRawBytes(values[2].encodedBytes)
                }
                kept.append(serializer.serializedBytes[...])
                continue
            }
            kept.append(item.encodedBytes)
        }
        guard changed else { return field.encodedBytes }
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: field.identifier) { explicit in
            explicit.appendConstructedNode(identifier: .sequence) { sequence in
                for item in kept { sequence.serializeRawBytes(item) }
            }
        }
        return serializer.serializedBytes[...]
    }

    // MARK: Algorithms

    /// The AlgorithmIdentifiers swift-certificates reads, as DER.
    private static let supportedSignatures: Set<[UInt8]> = {
        let rsa: [UInt8] = [0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01]
        let ecdsa: [UInt8] = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03]
        return Set(
            [0x05, 0x0B, 0x0C, 0x0D].map { rsa + [$0, 0x05, 0x00] } + [0x02, 0x03, 0x04].map { ecdsa + [$0] } + [
                [0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70]
            ])
    }()

    /// sha256WithRSAEncryption, or ecdsa-with-SHA256 for an EC signature algorithm.
    private static func replacementSignature(_ oid: String?) -> ArraySlice<UInt8> {
        oid?.hasPrefix("1.2.840.10045") == true
            ? [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]
            : [0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B, 0x05, 0x00]
    }

    /// A P-256 key standing in for one that cannot be read.
    private static let placeholderKey: ArraySlice<UInt8> = {
        var serializer = DER.Serializer()
        try? serializer.serialize(Certificate.PublicKey(P256.Signing.PrivateKey().publicKey))
        return serializer.serializedBytes[...]
    }()

    private static func encoded(_ identifier: ASN1Identifier, _ content: [UInt8]) -> ArraySlice<UInt8> {
        var serializer = DER.Serializer()
        serializer.appendPrimitiveNode(identifier: identifier) { $0 += content }
        return serializer.serializedBytes[...]
    }
}
