import Foundation

/// SARIF 2.1.0 for GitHub code scanning, GitLab and other consumers: the whole catalog as
/// `tool.driver.rules`, one result per finding with a repository-relative location under
/// `%SRCROOT%`, line-independent `partialFingerprints`, and parse failures and scan notes as
/// tool execution notifications.
enum SARIFReporter {
    static let fingerprintKey = "certlint/v1"

    static func render(_ result: ScanResult) -> String {
        let run = Run(
            tool: Tool(
                driver: Driver(
                    name: "certlint", version: certlintVersion, semanticVersion: certlintVersion,
                    rules: rules(result.catalog))),
            originalUriBaseIds: [
                "%SRCROOT%": ArtifactLocation(
                    uri: URL(fileURLWithPath: result.root, isDirectory: true).absoluteString, uriBaseId: nil)
            ],
            results: results(result),
            invocations: [Invocation(executionSuccessful: true, toolExecutionNotifications: notifications(result))],
            versionControlProvenance: result.provenance.map {
                [
                    VersionControlDetails(
                        repositoryUri: $0.repositoryURI, revisionId: $0.revisionID, branch: $0.branch,
                        mappedTo: ArtifactLocation(uri: nil, uriBaseId: "%SRCROOT%"))
                ]
            },
            columnKind: "unicodeCodePoints")
        return JSONReporter.encode(
            Log(schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs: [run]))
    }

    /// The whole catalog, as `tool.driver.rules`.
    static func rules(_ catalog: RuleCatalog) -> [ReportingDescriptor] {
        catalog.rules.map { rule in
            ReportingDescriptor(
                id: rule.id.rawValue, name: rule.name,
                shortDescription: Text(text: rule.short), fullDescription: Text(text: rule.full),
                helpUri: rule.helpURI,
                help: Help(
                    text: "\(rule.short) Run `certlint explain \(rule.id)` for details.",
                    markdown: rule.help.isEmpty ? rule.full : rule.help),
                defaultConfiguration: Configuration(level: rule.level.rawValue),
                properties: RuleProperties(
                    tags: rule.tags, securitySeverity: rule.securitySeverity, precision: "very-high",
                    problemSeverity: rule.level == .note ? "recommendation" : rule.level.rawValue))
        }
    }

    /// One result per finding, suppressed ones with their suppression.
    static func results(_ result: ScanResult) -> [SARIFResult] {
        let catalog = result.catalog
        return result.findings.map { finding in
            SARIFResult(
                ruleId: finding.ruleID.rawValue, ruleIndex: catalog.index(of: finding.ruleID) ?? 0,
                level: finding.level.rawValue,
                message: Text(text: finding.message),
                locations: [
                    Location(
                        id: nil, physicalLocation: physical(finding.location, snippet: finding.snippet), message: nil)
                ],
                relatedLocations: finding.related.isEmpty
                    ? nil
                    : finding.related.enumerated().map { index, related in
                        Location(
                            id: index, physicalLocation: physical(related.location, snippet: nil),
                            message: Text(text: related.message))
                    },
                partialFingerprints: [fingerprintKey: finding.fingerprint],
                suppressions: finding.suppression.map { suppression in
                    [
                        SARIFSuppression(
                            kind: suppression.kind.rawValue, status: "accepted",
                            justification: suppression.justification,
                            location: suppression.location.map {
                                Location(id: nil, physicalLocation: physical($0, snippet: nil), message: nil)
                            })
                    ]
                },
                properties: ResultProperties(subject: finding.subject))
        }
    }

    /// Parse failures (CP900), baseline entries that no longer occur, and scan notes.
    static func notifications(_ result: ScanResult) -> [Notification] {
        let catalog = result.catalog
        var notifications: [Notification] = result.findings.filter { $0.ruleID == .cp900 }.map { finding in
            Notification(
                level: "error", message: Text(text: finding.message),
                locations: [
                    Location(id: nil, physicalLocation: physical(finding.location, snippet: nil), message: nil)
                ],
                descriptor: Reference(id: RuleID.cp900.rawValue, index: catalog.index(of: .cp900)))
        }
        notifications += result.baselineUnmatched.map { entry in
            Notification(
                level: "note",
                message: Text(
                    text:
                        "baseline entry \(entry.rule) \(entry.path) (\(entry.subject)) no longer occurs; prune it with `certlint baseline --prune`"
                ),
                locations: [
                    Location(
                        id: nil,
                        physicalLocation: PhysicalLocation(artifactLocation: artifact(entry.path), region: nil),
                        message: nil)
                ],
                descriptor: nil)
        }
        notifications += result.notes.map { note in
            Notification(
                level: "note", message: Text(text: "\(note.path) \(note.message)"),
                locations: [
                    Location(
                        id: nil, physicalLocation: PhysicalLocation(artifactLocation: artifact(note.path), region: nil),
                        message: nil)
                ],
                descriptor: nil)
        }
        return notifications
    }

    static func physical(_ location: SourceLocation, snippet: String?) -> PhysicalLocation {
        PhysicalLocation(
            artifactLocation: artifact(location.path),
            region: Region(
                startLine: location.line, startColumn: location.column, endLine: location.endLine,
                endColumn: location.endColumn,
                snippet: snippet.map { Text(text: $0) }))
    }

    static func artifact(_ path: String) -> ArtifactLocation {
        ArtifactLocation(uri: percentEncoded(path), uriBaseId: "%SRCROOT%")
    }

    /// A repository-relative path as a relative URI reference: each segment percent-encoded.
    static func percentEncoded(_ path: String) -> String {
        var allowed = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=@")
        allowed.remove(charactersIn: "")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    // MARK: - The subset of the SARIF object model certlint writes

    struct Log: Encodable {
        let schema: String
        let version: String
        let runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }
    struct Run: Encodable {
        let tool: Tool
        let originalUriBaseIds: [String: ArtifactLocation]
        let results: [SARIFResult]
        let invocations: [Invocation]
        let versionControlProvenance: [VersionControlDetails]?
        let columnKind: String
    }
    struct Tool: Encodable { let driver: Driver }
    struct Driver: Encodable {
        let name: String
        let version: String
        let semanticVersion: String
        let rules: [ReportingDescriptor]
    }
    struct ReportingDescriptor: Encodable {
        let id: String
        let name: String
        let shortDescription: Text
        let fullDescription: Text
        /// Absent (not null) when the rule names none.
        let helpUri: String?
        let help: Help
        let defaultConfiguration: Configuration
        let properties: RuleProperties
    }
    struct Text: Encodable { let text: String }
    struct Help: Encodable {
        let text: String
        let markdown: String
    }
    struct Configuration: Encodable { let level: String }
    struct RuleProperties: Encodable {
        let tags: [String]
        let securitySeverity: String
        let precision: String
        let problemSeverity: String
        enum CodingKeys: String, CodingKey {
            case tags, precision
            case securitySeverity = "security-severity"
            case problemSeverity = "problem.severity"
        }
    }
    struct SARIFResult: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Text
        let locations: [Location]
        let relatedLocations: [Location]?
        let partialFingerprints: [String: String]
        let suppressions: [SARIFSuppression]?
        let properties: ResultProperties
    }
    struct SARIFSuppression: Encodable {
        let kind: String
        let status: String
        let justification: String
        let location: Location?
    }
    struct ResultProperties: Encodable { let subject: String }
    struct Location: Encodable {
        let id: Int?
        let physicalLocation: PhysicalLocation
        let message: Text?
    }
    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region: Region?
    }
    struct ArtifactLocation: Encodable {
        let uri: String?
        let uriBaseId: String?
    }
    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int
        let endLine: Int?
        let endColumn: Int?
        let snippet: Text?
    }
    struct Invocation: Encodable {
        let executionSuccessful: Bool
        let toolExecutionNotifications: [Notification]
    }
    struct Notification: Encodable {
        let level: String
        let message: Text
        let locations: [Location]
        let descriptor: Reference?
    }
    struct Reference: Encodable {
        let id: String
        let index: Int?
    }
    struct VersionControlDetails: Encodable {
        let repositoryUri: String
        let revisionId: String?
        let branch: String?
        let mappedTo: ArtifactLocation
    }
}
