import Foundation
import Testing

@testable import CertLint

/// Valid files from other projects (mostly their own test suites of valid input, which were
/// written to cover the grammar), kept in RealWorld/ with a PROVENANCE.tsv; built by
/// `Scripts/gather-corpus.py`. Valid files give no CP900 and no deployment finding; files those
/// projects (or, for certificates, `openssl x509`) call invalid are CP900.
@Suite struct RealWorldCorpusTests {
    static let root = Fixtures.testsDirectory.appendingPathComponent("RealWorld")

    static func files(_ folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                found.append(String(url.path.dropFirst(base.path.count + 1)))
            }
        }
        return found.sorted()
    }

    func scan(_ folder: String) async throws -> ScanResult {
        var options = ScanOptions()
        options.paths = [Self.root.appendingPathComponent(folder).path]
        options.asOf = Fixtures.asOf
        return try await Scanner.scan(options)
    }

    @Test func everyFileHasItsProvenance() throws {
        let table = try String(contentsOf: Self.root.appendingPathComponent("PROVENANCE.tsv"), encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst().map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
        #expect(rows.allSatisfy { $0.count == 5 && $0[2].count == 40 && !$0[4].isEmpty })
        let listed = Set(rows.map { String($0[0]) })
        let present = Set(Self.files("valid").map { "valid/\($0)" } + Self.files("invalid").map { "invalid/\($0)" })
        #expect(listed == present)
    }

    @Test func validFilesFromOtherProjectsScanClean() async throws {
        let files = Self.files("valid")
        #expect(files.count >= 2000)
        // Every format certlint reads from other people's repositories is represented.
        let formats = Set(files.map { String($0.prefix { $0 != "/" }) })
        #expect(
            formats == [
                "as3", "avi", "certificates", "cloudformation", "haproxy", "kubernetes", "netscaler", "nginx",
                "terraform",
            ])
        let result = try await scan("valid")
        #expect(result.filesScanned == files.count)
        let forbidden = Set((1...13).map { String(format: "CP%03d", $0) } + ["CP030", "CP031", "CP900"])
        let wrong = result.findings.filter { forbidden.contains($0.ruleID.rawValue) }.map {
            "\($0.ruleID) \($0.location): \($0.message)"
        }
        #expect(wrong == [], "\(wrong.count) findings on valid files:\n\(wrong.prefix(30).joined(separator: "\n"))")
    }

    @Test func invalidFilesAreCP900() async throws {
        let files = Self.files("invalid")
        #expect(!files.isEmpty)
        let result = try await scan("invalid")
        // Paths are relative to the repository that holds the folder (this checkout, or none).
        let reported = Set(
            result.findings.filter { $0.ruleID == .cp900 }.map {
                $0.location.path.components(separatedBy: "RealWorld/invalid/").last!
            })
        #expect(reported == Set(files))
    }
}
