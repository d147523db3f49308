import ArgumentParser
import CertLint
import Foundation

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the rule catalog, write a page per rule (--output), or check a rule pack (--check).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(help: "text, json or markdown.")
    var format: Format = .text

    @Option(name: .customLong("rules"), help: "A rule pack folder to add (repeatable).")
    var rulePacks: [String] = []

    @Option(
        help:
            "With --format markdown: write one page per rule and an index (README.md) into this folder, as docs/rules/ holds them."
    )
    var output: String?

    @Option(
        help:
            "Check a rule pack folder: read it strictly and run every example its rules carry (exit 0 all behave, 1 one does not, 2 the pack is invalid)."
    )
    var check: String?

    @Option(help: "Reference date for the examples' expiry checks, YYYY-MM-DD (default: today, UTC).")
    var asOf: String?

    @Flag(
        help:
            "Print the attributes a pack rule can test and the relations it can follow, by kind of fact, as Markdown tables."
    )
    var attributes = false

    func validate() throws {
        if output != nil && format != .markdown {
            throw ValidationError("--output writes Markdown pages; add --format markdown.")
        }
        if check != nil && output != nil { throw ValidationError("--check and --output are separate runs.") }
    }

    func run() async throws {
        if attributes {
            try StandardOutput.write(FactAttributes.markdownTable)
            return
        }
        var catalog = RuleCatalog.builtIn
        for pack in rulePacks { try catalog.addPack(at: pack) }
        if let check {
            try catalog.addPack(at: check)
            let date = try asOf.map { try ScanOptions.date($0) } ?? ScanOptions().asOf
            let outcomes = await PolicyExampleRunner.run(catalog, asOf: date)
            try StandardOutput.write(PolicyExampleRunner.report(outcomes))
            if outcomes.contains(where: \.failed) { throw ExitCode(1) }
            return
        }
        guard let output else {
            try StandardOutput.write(CatalogPrinter.render(catalog, format: format.rawValue))
            return
        }
        try Self.write(RuleDocumentation.pages(catalog), into: output)
    }

    /// Writes the pages and removes rule pages of rules that no longer exist.
    static func write(_ pages: [(name: String, text: String)], into folder: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let names = Set(pages.map(\.name))
            for stale in try manager.contentsOfDirectory(atPath: folder)
            where !names.contains(stale) && stale.range(of: "^[A-Z]+[0-9]+\\.md$", options: .regularExpression) != nil {
                try manager.removeItem(atPath: (folder as NSString).appendingPathComponent(stale))
            }
            for page in pages {
                try page.text.write(
                    toFile: (folder as NSString).appendingPathComponent(page.name), atomically: true, encoding: .utf8)
            }
        } catch {
            throw CertLintError.output(path: folder, problem: error.localizedDescription)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain one rule: what, why, how to fix, an example.")

    @Argument(help: "A rule ID such as CP001, or its name such as port-5263-missing.")
    var rule: String

    @Option(name: .customLong("rules"), help: "A rule pack folder to add (repeatable), to explain its rules.")
    var rulePacks: [String] = []

    func run() throws {
        var catalog = RuleCatalog.builtIn
        for pack in rulePacks { try catalog.addPack(at: pack) }
        guard let found = catalog.rules.first(where: { $0.id.rawValue == rule.uppercased() || $0.name == rule }) else {
            throw CertLintError.unknownRule(rule)
        }
        try StandardOutput.write(CatalogPrinter.explain(found))
    }
}
