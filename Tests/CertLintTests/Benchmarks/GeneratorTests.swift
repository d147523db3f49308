import CertLintBenchmarkKit
import Foundation
import Testing

@testable import CertLint

/// The benchmark's generated repositories double as a correctness check: the scan's verdicts
/// equal the generator's expectations (small sizes here; large ones in the benchmark).
@Suite struct GeneratorTests {
    static func certificates() -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: ["ca", "wildcard", "san-shared", "san-disjoint", "single-host"].map {
                ($0, Fixtures.certificate($0))
            })
    }

    /// The rule IDs of each deployment's findings.
    static func verdicts(_ result: ScanResult) -> [String: [String]] {
        var verdicts: [String: [String]] = [:]
        for deployment in result.topology.deployments { verdicts[deployment.name] = [] }
        for finding in result.activeFindings where finding.subject.hasPrefix("deployment ") {
            let name = String(finding.subject.dropFirst("deployment ".count).prefix { $0 != " " })
            verdicts[name, default: []].append(finding.ruleID.rawValue)
        }
        return verdicts.mapValues { $0.sorted() }
    }

    @Test(arguments: [(UInt64(1), 300, 24), (UInt64(2), 500, 40), (UInt64(7), 200, 10)])
    func scanVerdictsEqualTheGeneratorsExpectations(_ seed: UInt64, _ files: Int, _ deployments: Int) async throws {
        var generator = RepositoryGenerator(certificates: Self.certificates())
        generator.files = files
        generator.deployments = deployments
        generator.seed = seed
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-generated-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let expected = try generator.generate(at: root)
        #expect(expected.files == files)
        var options = ScanOptions()
        options.paths = [root.path]
        options.asOf = Fixtures.asOf
        let result = try await Scanner.scan(options)
        #expect(Self.verdicts(result) == expected.verdicts)
        #expect(result.activeFindings.allSatisfy { $0.subject.hasPrefix("deployment ") })
        #expect(result.filesScanned == files)
    }

    @Test func theSameSeedGivesTheSameRepository() throws {
        var generator = RepositoryGenerator(certificates: Self.certificates())
        generator.files = 120
        generator.deployments = 6
        let a = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-gen-a-\(UUID().uuidString)")
        let b = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-gen-b-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let first = try generator.generate(at: a)
        let second = try generator.generate(at: b)
        #expect(first.verdicts == second.verdicts)
        let tree = { (root: URL) in try run("/usr/bin/git", ["-C", root.path, "rev-parse", "HEAD^{tree}"]).output }
        #expect(try tree(a) == tree(b))
    }
}
