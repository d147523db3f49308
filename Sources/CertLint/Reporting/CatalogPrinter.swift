import Foundation

/// `certlint rules` and `certlint explain`: the catalog as text, JSON or Markdown.
package enum CatalogPrinter {
    package static func render(_ catalog: RuleCatalog, format: String) -> String {
        switch format {
        case "json":
            return JSONReporter.encode(catalog.rules)
        case "markdown":
            var out = "| ID | name | level | what it finds |\n|---|---|---|---|\n"
            for rule in catalog.rules {
                out += "| \(rule.id) | \(rule.name) | \(rule.level.rawValue) | \(rule.short) |\n"
            }
            return out
        default:
            let width = catalog.rules.map(\.name.count).max() ?? 0
            return catalog.rules.map { rule in
                "\(rule.id)  \(rule.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(rule.level.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(rule.short)\n"
            }.joined()
        }
    }

    package static func explain(_ rule: RuleDescription) -> String {
        """
        \(rule.id) \(rule.name) (\(rule.level.rawValue); tags: \(rule.tags.joined(separator: ", ")); security-severity \(rule.securitySeverity))

        \(rule.short)

        \(rule.full)

        \(rule.help.trimmingCharacters(in: .whitespacesAndNewlines))

        """
    }
}
