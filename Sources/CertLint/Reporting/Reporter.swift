/// The output formats of `--format`.
package enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif, junit, github

    /// The pure function that renders a scan in this format.
    package func render(_ result: ScanResult, colour: Bool = false) -> String {
        switch self {
        case .text: return TextReporter.render(result, colour: colour)
        case .json: return JSONReporter.render(result)
        case .sarif: return SARIFReporter.render(result)
        case .junit: return JUnitReporter.render(result)
        case .github: return GitHubReporter.render(result)
        }
    }
}

/// Counts shared by the summaries of every format.
struct Summary: Codable {
    let errors: Int
    let warnings: Int
    let notes: Int
    let suppressed: Int
    let filesScanned: Int
    let deployments: Int
    let failOn: String
    let exitCode: Int32

    init(_ result: ScanResult) {
        let active = result.activeFindings
        errors = active.filter { $0.level == .error }.count
        warnings = active.filter { $0.level == .warning }.count
        notes = active.filter { $0.level == .note }.count
        suppressed = result.findings.count - active.count
        filesScanned = result.filesScanned
        deployments = result.topology.deployments.count
        failOn = result.failOn.rawValue
        exitCode = result.exitCode
    }
}

extension String {
    /// `1 error`, `2 errors`.
    func counted(_ count: Int) -> String { "\(count) \(self)\(count == 1 ? "" : "s")" }
}
