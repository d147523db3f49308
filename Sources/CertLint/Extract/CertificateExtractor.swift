/// PEM files (certificates, chains, private keys, anywhere in a text file) and DER certificates.
struct CertificateExtractor: Extractor {
    let format = "PEM/DER certificates"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        if file.isBinary {
            return CertificateReader.derExtensions.contains(file.fileExtension) && file.bytes.first == 0x30
        }
        return CertificateReader.looksLikePEM(file.bytes)
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        var facts = FileFacts()
        if file.isBinary {
            facts.certificateFile = try CertificateReader.readDER(path: file.path, bytes: file.bytes)
        } else {
            facts.certificateFile = try CertificateReader.readPEM(path: file.path, text: file.byteText())
        }
        return facts
    }
}
