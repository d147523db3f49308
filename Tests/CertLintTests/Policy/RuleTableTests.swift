import Foundation
import Testing

@testable import CertLint

/// The README's rule table is generated from `rules/catalog.yaml`, not kept by hand.
@Suite struct RuleTableTests {
    @Test func theREADMERuleTableIsTheCatalogs() throws {
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let table = readme.components(separatedBy: "<!-- rules:begin -->\n").dropFirst().first?
            .components(separatedBy: "<!-- rules:end -->").first
        #expect(
            table == CatalogPrinter.render(.builtIn, format: "markdown"),
            "README.md's rule table is not rules/catalog.yaml's: run `bash Scripts/update-rule-table.sh`")
    }
}
