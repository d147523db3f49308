/// One file of the scan, read into memory.
struct ScannedFile: Sendable {
    let path: String
    let bytes: [UInt8]
    /// The last path component; every extractor's claim looks at it, so it is computed once.
    let name: Substring
    /// What follows the last dot of the name, lower-cased ("" without one).
    let fileExtension: String

    /// `UTF-16LE` or `UTF-16BE` when the file was written in UTF-16 with a byte-order mark
    /// (PowerShell's default) and `bytes` hold it transcoded to UTF-8.
    let transcodedFrom: String?

    init(path: String, bytes: [UInt8]) {
        self.path = path
        if let (text, encoding) = Self.utf16(bytes) {
            self.bytes = Array(text.utf8)
            self.transcodedFrom = encoding
        } else {
            self.bytes = bytes
            self.transcodedFrom = nil
        }
        let name = RepositoryPath.name(of: path)
        self.name = name
        self.fileExtension = name.lastIndex(of: ".").map { name[name.index(after: $0)...].lowercased() } ?? ""
    }

    var directory: String { String(RepositoryPath.folder(of: path)) }

    /// Whether the bytes contain `needle` (ASCII), without decoding the text.
    func contains(_ needle: String, within limit: Int = 1 << 20) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        let end = min(bytes.count, limit) - pattern.count
        guard end >= 0 else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index <= end {
                if buffer[index] == first {
                    var match = true
                    for offset in 1..<pattern.count where buffer[index + offset] != pattern[offset] {
                        match = false
                        break
                    }
                    if match { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// The text, strictly UTF-8; a leading byte-order mark is dropped.
    /// The text with any byte that is not UTF-8 read as U+FFFD, for formats whose own reader
    /// works on bytes (NGINX, HAProxy): a Latin-1 comment does not make the file unreadable.
    func byteText() -> String {
        var bytes = self.bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func text() throws(FormatError) -> String {
        var bytes = self.bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try TextDecoding.utf8(bytes)
    }

    /// The text of UTF-16 bytes that open with a byte-order mark, when they decode cleanly.
    static func utf16(_ bytes: [UInt8]) -> (String, String)? {
        guard bytes.count >= 2, bytes.count % 2 == 0 else { return nil }
        let littleEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0xFF, 0xFE): littleEndian = true
        case (0xFE, 0xFF): littleEndian = false
        default: return nil
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 - 1)
        for index in stride(from: 2, to: bytes.count, by: 2) {
            let (a, b) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
        }
        var text = ""
        var iterator = units.makeIterator()
        var decoder = UTF16()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
            case .emptyInput: return (text, littleEndian ? "UTF-16LE" : "UTF-16BE")
            case .error: return nil
            }
        }
    }

    /// A NUL byte among the first 8,000 bytes, as Git decides.
    var isBinary: Bool { bytes.prefix(8000).contains(0) }
}

/// What one file says about the infrastructure.
struct FileFacts: Sendable {
    var listeners: [Listener] = []
    var certificateFile: CertificateFile?
    var deployments: [Deployment] = []
    var notes: [ScanNote] = []
    /// Parsed Terraform files; modules span folders, so they are read after every file is parsed.
    var terraform: [TerraformSource] = []
    /// Parsed NGINX files; `include` spans files, so they are read after every file is parsed.
    var nginx: [NGINXSource] = []

    init() {}

    /// Adds another file's listeners, deployments and notes (certificate files are kept per file by the scanner).
    mutating func merge(_ other: FileFacts) {
        listeners += other.listeners
        deployments += other.deployments
        notes += other.notes
        terraform += other.terraform
        nginx += other.nginx
    }
}

/// Turns the files of one format into facts. An extractor claims files by a cheap look at name
/// and content; a file it claims but cannot parse is a `FormatError` (reported as CP900).
protocol Extractor: Sendable {
    /// The format's name, for notes and the README.
    var format: String { get }
    func claims(_ file: ScannedFile) -> Bool
    func extract(_ file: ScannedFile) throws -> FileFacts
}

/// The extractors every scan runs, in order.
let builtInExtractors: [any Extractor] = [
    ManifestExtractor(),
    HAProxyExtractor(),
    TerraformExtractor(),
    CloudFormationExtractor(),
    KubernetesExtractor(),
    AS3Extractor(),
    NetScalerExtractor(),
    NSXTPolicyExtractor(),
    AviExtractor(),
    NGINXExtractor(),
    CertificateExtractor(),
]
