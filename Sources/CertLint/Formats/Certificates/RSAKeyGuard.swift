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
        var description: String {
            "its RSA key is one BoringSSL refuses (a negative or even modulus, one over 16,384 bits, or a bad exponent)"
        }
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
        guard let key = rsaPublicKey(spki) else { return false }
        return key.isEmpty || refuses(rsaPublicKey: key)
    }

    /// The bit length of an rsaEncryption key's modulus, read from the DER; nil for another
    /// kind of key or one whose modulus cannot be read.
    static func modulusBits(spki: ASN1Node) -> Int? {
        guard let key = rsaPublicKey(spki), let numbers = integers(key) else { return nil }
        return bitCount(numbers.modulus)
    }

    /// The RSAPublicKey bytes of an rsaEncryption SubjectPublicKeyInfo (empty when its BIT STRING
    /// is malformed); nil for another algorithm.
    private static func rsaPublicKey(_ spki: ASN1Node) -> [UInt8]? {
        guard case .constructed(let parts) = spki.content else { return nil }
        let items = Array(parts)
        guard items.count == 2, algorithmOID(items[0]) == rsaEncryption else { return nil }
        guard case .primitive(let bits) = items[1].content, bits.first == 0 else { return [] }
        return Array(bits.dropFirst())
    }

    /// The OID of an AlgorithmIdentifier, dotted.
    static func algorithmOID(_ algorithm: ASN1Node) -> String? {
        guard case .constructed(let parts) = algorithm.content, let first = parts.first(where: { _ in true }) else {
            return nil
        }
        return (try? ASN1ObjectIdentifier(derEncoded: first)).map { "\($0)" }
    }

    private static func integers(_ bytes: [UInt8]) -> (modulus: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>)? {
        guard let key = try? DER.parse(bytes), case .constructed(let numbers) = key.content else { return nil }
        let values = Array(numbers)
        guard values.count == 2, values.allSatisfy({ $0.identifier == .integer }),
            case .primitive(let modulus) = values[0].content, case .primitive(let exponent) = values[1].content,
            !modulus.isEmpty, !exponent.isEmpty
        else { return nil }
        return (modulus, exponent)
    }

    /// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }: refused when either
    /// is negative, the modulus is even, over 16,384 bits or not larger than the exponent's
    /// limit, or the exponent is even, 1, or over 33 bits.
    static func refuses(rsaPublicKey bytes: [UInt8]) -> Bool {
        guard let (modulus, exponent) = integers(bytes).map({ ($0.modulus, $0.exponent) }) else { return true }
        if modulus.first! & 0x80 != 0 || exponent.first! & 0x80 != 0 { return true }
        let modulusBits = bitCount(modulus)
        let exponentBits = bitCount(exponent)
        if modulusBits > 16 * 1024 || modulus.last! & 1 == 0 || modulusBits <= 33 { return true }
        if exponentBits > 33 || exponent.last! & 1 == 0 || exponentBits == 1 { return true }
        return false
    }

    private static func bitCount(_ bytes: ArraySlice<UInt8>) -> Int {
        let significant = bytes.drop { $0 == 0 }
        guard let top = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}
