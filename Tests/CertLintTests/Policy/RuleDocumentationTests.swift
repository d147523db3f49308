import Foundation
import Testing

@testable import CertLint

/// docs/rules/ is `certlint rules --format markdown --output docs/rules/`, not kept by hand.
@Suite struct RuleDocumentationTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("docs/rules")

    @Test func theCommittedPagesAreTheGeneratedOnes() throws {
        let pages = RuleDocumentation.pages(RuleCatalog.builtIn)
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
        #expect(
            committed == pages.map(\.name).sorted(),
            "docs/rules/ holds other files than the catalog's pages: run `swift run certlint rules --format markdown --output docs/rules`"
        )
        for page in pages {
            let text = try? String(contentsOf: Self.folder.appendingPathComponent(page.name), encoding: .utf8)
            #expect(
                text == page.text,
                "docs/rules/\(page.name) is stale: run `swift run certlint rules --format markdown --output docs/rules`"
            )
        }
    }

    @Test func aPageShowsTheRulesExamplesAsDiffsWithTheMessage() throws {
        let page = try #require(RuleDocumentation.pages(RuleCatalog.builtIn).first { $0.name == "CP004.md" }?.text)
        #expect(
            page.hasPrefix("# CP004 cert-proxy-terminated\n\nLevel **error**; tags: security, listener, availability"))
        #expect(
            page.contains(
                """
                ### Reported: TLS terminated on the cert proxy port

                In `lb/haproxy.cfg`:

                ```diff
                -    bind :5262
                +    bind :5262 ssl crt /etc/haproxy/certs/access.pem
                ```

                > deployment access: the cert proxy listener frontend cert_proxy on port 5262 terminates TLS; port 5262 must be Layer 4 TCP passthrough so the device's client certificate reaches the cert proxy
                """))
        #expect(page.contains("### Allowed: a TCP health check keeps 5262 passthrough"))
        #expect(!page.contains("↓"))
    }

    @Test func aPackRulesPageShowsItsExampleRepositories() throws {
        var catalog = RuleCatalog.builtIn
        try catalog.addPack(
            at: Fixtures.packageRoot.appendingPathComponent("Examples/policies/certificate-hygiene").path)
        let page = try #require(RuleDocumentation.pages(catalog).first { $0.name == "HYG001.md" }?.text)
        #expect(
            page.hasPrefix(
                "# HYG001 certificate-expires-within-60-days\n\nLevel **warning**; tags: certificate, expiry;"))
        #expect(page.contains("### Reported: expires in 30 days\n\nJudged as of 2035-12-01.\n\n`access.pem`:"))
        #expect(page.contains("    service-certificate: node.pem\n"))
        #expect(!page.contains("↓"))
    }
}
