import Foundation
import Testing

@testable import CertLint

/// Real configuration files and certificates written by others (../shared/corpus): certlint
/// reads all of them without a crash and without a false alarm.
@Suite struct CorpusTests {
    static let corpus = Fixtures.shared.appendingPathComponent("corpus")
    static let present = FileManager.default.fileExists(atPath: corpus.path)

    @Test(.enabled(if: present, "../shared/corpus is not beside this checkout"))
    func everyCorpusFileScansWithoutFindings() async throws {
        // Copy into a plain folder so the scan does not depend on where ../shared lives.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-corpus-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.corpus, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        var options = ScanOptions()
        options.paths = [copy.path]
        options.asOf = Fixtures.asOf
        let result = try await Scanner.scan(options)
        let files = FileManager.default.enumerator(atPath: copy.path)!.compactMap { $0 as? String }.filter {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: copy.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
        #expect(result.filesScanned == files.count)
        #expect(result.brief == [])
        // Notes only for what the corpus lacks or cannot be read as configuration, and the NGINX
        // prefix assumed for h5bp's site template (it lies outside the main file's folder).
        let unexplained = result.notes.filter {
            !$0.message.contains("matches no file in the repository") && !$0.message.hasPrefix("is a template")
        }
        let template = "nginx/h5bp/conf.d/templates/example.com.conf"
        #expect(unexplained.filter { $0.path != template } == [])
        #expect(
            unexplained.filter { $0.path == template }.map(\.message)
                == [
                    (19, "certificate_files.conf"), (20, "policy_balanced.conf"), (36, "certificate_files.conf"),
                    (37, "policy_balanced.conf"),
                ].map { line, file in
                    "line \(line): include h5bp/tls/\(file) names no file under nginx/h5bp/conf.d/templates (the folder of \(template), NGINX's prefix); read from nginx/h5bp instead"
                })
        // The PEM files were read, not passed over: every one yields certificates.
        let pemFiles = files.filter { $0.hasSuffix(".pem") }
        #expect(!pemFiles.isEmpty)
        #expect(Set(result.topology.certificateFiles.map(\.path)) == Set(pemFiles))
        #expect(
            result.topology.certificateFiles.filter { $0.certificates.isEmpty }.map { "\($0.path) \($0.unusable)" }
                == [])
    }
}
