/// Reads certificate files for the Resolve stage: the ones the Extract stage read, and any other
/// a reference names (read from the snapshot once, then kept). It also keeps the bytes of what it
/// read, for snippets, and builds the trust store from `settings.trust-anchors`.
final class CertificateLoader {
    private let snapshot: Snapshot
    private let sizeLimit: Int
    private var loaded: [String: Resolver.CertificateLoad]
    /// The bytes of every certificate file read here.
    private(set) var texts: [String: [UInt8]] = [:]

    init(snapshot: Snapshot, sizeLimit: Int, scanned: [String: Resolver.CertificateLoad]) {
        self.snapshot = snapshot
        self.sizeLimit = sizeLimit
        loaded = scanned
    }

    func load(_ path: String) -> Resolver.CertificateLoad {
        if let known = loaded[path] { return known }
        let result = read(path, keepingText: true)
        loaded[path] = result
        return result
    }

    private func read(_ path: String, keepingText: Bool) -> Resolver.CertificateLoad {
        switch snapshot.read(path, sizeLimit: sizeLimit) {
        case .skipped(let skip): return .problem(skip.description)
        case .bytes(let bytes):
            let file = ScannedFile(path: path, bytes: bytes)
            let extractor = CertificateExtractor()
            if file.bytes.starts(with: Array("version https://git-lfs.github.com/spec/".utf8)) {
                return .problem(
                    "is a Git LFS pointer, not the certificate itself; fetch the content (git lfs pull) before scanning"
                )
            }
            guard extractor.claims(file) else { return .problem("holds no PEM block or DER certificate") }
            do {
                if keepingText { texts[path] = bytes }
                guard let certificates = try extractor.extract(file).certificateFile else {
                    return .problem("holds no certificate")
                }
                return .file(certificates)
            } catch let error as FormatError {
                return .problem("could not be parsed at line \(error.position.line): \(error.message)")
            } catch {
                return .problem("could not be parsed: \(error)")
            }
        }
    }

    /// The system bundle (with `settings.system-trust`) and `settings.trust-anchors`; an anchor
    /// that cannot be read is a configuration error (exit 2).
    func trustStore(_ settings: Settings, index: ReferenceIndex) throws -> TrustStore {
        var anchors = settings.systemTrust ? TrustStore.systemAnchors() : []
        for reference in settings.trustAnchors {
            let configPath = reference.location.path
            func fail(_ problem: String) -> CertLintError {
                .configuration(
                    path: configPath, line: reference.location.line, column: reference.location.column,
                    keyPath: "settings.trust-anchors", problem: problem)
            }
            guard case .file(let path) = index.resolve(reference) else {
                throw fail("'\(reference.path)' is not a file in the repository")
            }
            switch read(path, keepingText: false) {
            case .file(let file): anchors += file.certificates.map(\.certificate)
            case .problem(let problem): throw fail("\(path) \(problem)")
            }
        }
        return TrustStore(
            anchors: anchors, description: settings.systemTrust ? "system CA bundle + trust-anchors" : "trust-anchors")
    }
}
