import Foundation
import Testing

@testable import CertLint

/// The registries (`builtInExtractors`, `builtInRules`, `liveRules`) are lists kept in code: each
/// must hold exactly the conforming types the sources declare, so a new extractor or rule that
/// is not registered fails here instead of never running.
@Suite struct RegistryTests {
    /// The names of the types declared as `struct NAME: PROTOCOL` under a source folder.
    static func declared(_ protocolName: String, under folder: String) throws -> Set<String> {
        let root = Fixtures.packageRoot.appendingPathComponent("Sources/CertLint/\(folder)")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        var names: Set<String> = []
        let pattern = try Regex("(?m)^(?:package )?struct (\\w+): \(protocolName)\\b")
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let name = match.output[1].substring { names.insert(String(name)) }
            }
        }
        return names
    }

    static func names(_ values: [Any]) -> Set<String> { Set(values.map { String(describing: type(of: $0)) }) }

    @Test func everyExtractorIsRegistered() throws {
        let declared = try Self.declared("Extractor", under: "Extract")
        #expect(declared.count == 11)
        #expect(Self.names(builtInExtractors) == declared)
    }

    @Test func everyRuleIsRegistered() throws {
        #expect(Self.names(builtInRules) == (try Self.declared("Rule", under: "Policy/Rules")))
        #expect(Self.names(liveRules) == (try Self.declared("LiveRule", under: "Policy/Live")))
    }
}
