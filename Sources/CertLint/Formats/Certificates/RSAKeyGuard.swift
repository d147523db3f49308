import SwiftASN1

/// swift-crypto frees an RSA key twice when BoringSSL refuses it (`BoringSSLRSAPublicKey`'s
/// initialiser frees its `EVP_PKEY` in a `catch` and its `deinit` frees it again): a hostile
/// certificate with, say, an even modulus would corrupt certlint's heap (found by fuzzing the PEM
/// reader under AddressSanitizer with zlint's `evenRsaMod.pem`). certlint therefore never hands
/// swift-crypto an RSA key BoringSSL would refuse; these are BoringSSL's own checks when it
/// parses a public key (`RSA_parse_public_key`, `rsa_check_public_key`).
enum RSAKeyGuard {
    static let rsaEncryption = "1.2.840.113549.1.1.1"

    /// A certificate whose RSA key is kept from swift-certificates (read leniently instead).
    struct Refused: Error, CustomStringConvertible {
        var description: String { "its RSA key is one BoringSSL refuses (a negative or even modulus, one over 16,384 bits, or a bad exponent)" }
    }

    /// Whether the SubjectPublicKeyInfo of a DER certificate holds an RSA key BoringSSL refuses.
    static func certificateHasRefusedKey(_ der: [UInt8]) -> Bool {
        guard let root = try? DER.parse(der), case .constructed(let parts) = root.content,
            let tbs = parts.first(where: { _ in true }), case .constructed(let fields) = tbs.content
        else { return false }
        // [0] version (optional), serial, signature, issuer, validity, subject, subjectPublicKeyInfo.
        let universal = fields.filter { $0.identifier.tagClass == .universal }
        guard universal.count >= 6 else { return false }
        return refuses(spki: universal[5])
    }

    /// Whether a SubjectPublicKeyInfo is rsaEncryption with a key BoringSSL refuses.
    static func refuses(spki: ASN1Node) -> Bool {
        guard case .constructed(let parts) = spki.content else { return false }
        let items = Array(parts)
        guard items.count == 2, case .constructed(let algorithm) = items[0].content, let oid = algorithm.first(where: { _ in true }),
            (try? ASN1ObjectIdentifier(derEncoded: oid)).map({ "\($0)" }) == rsaEncryption
        else { return false }
        guard case .primitive(let bits) = items[1].content, bits.first == 0 else { return true }
        return refuses(rsaPublicKey: Array(bits.dropFirst()))
    }

    /// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }: refused when either
    /// is negative, the modulus is even, over 16,384 bits or not larger than the exponent's
    /// limit, or the exponent is even, 1, or over 33 bits.
    static func refuses(rsaPublicKey bytes: [UInt8]) -> Bool {
        guard let key = try? DER.parse(bytes), case .constructed(let numbers) = key.content else { return true }
        let values = Array(numbers)
        guard values.count == 2, values.allSatisfy({ $0.identifier == .integer }),
            case .primitive(let modulus) = values[0].content, case .primitive(let exponent) = values[1].content,
            let modulusLast = modulus.last, let exponentLast = exponent.last
        else { return true }
        if modulus.first! & 0x80 != 0 || exponent.first! & 0x80 != 0 { return true }
        let modulusBits = bitCount(modulus)
        let exponentBits = bitCount(exponent)
        if modulusBits > 16 * 1024 || modulusLast & 1 == 0 || modulusBits <= 33 { return true }
        if exponentBits > 33 || exponentLast & 1 == 0 || exponentBits == 1 { return true }
        return false
    }

    private static func bitCount(_ bytes: ArraySlice<UInt8>) -> Int {
        let significant = bytes.drop { $0 == 0 }
        guard let top = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}
