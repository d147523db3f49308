import ArgumentParser
import CertLint
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rule catalog.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(help: "text, json or markdown.")
    var format: Format = .text

    @Option(name: .customLong("rules"), help: "A rule pack folder to add (repeatable).")
    var rulePacks: [String] = []

    func run() throws {
        var catalog = RuleCatalog.builtIn
        for pack in rulePacks { try catalog.addPack(at: pack) }
        try StandardOutput.write(CatalogPrinter.render(catalog, format: format.rawValue))
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain one rule: what, why, how to fix, an example.")

    @Argument(help: "A rule ID such as CP001, or its name such as port-5263-missing.")
    var rule: String

    func run() throws {
        let catalog = RuleCatalog.builtIn
        guard let found = catalog.rules.first(where: { $0.id.rawValue == rule.uppercased() || $0.name == rule }) else {
            throw CertLintError.unknownRule(rule)
        }
        try StandardOutput.write(CatalogPrinter.explain(found))
    }
}
