import Foundation

/// One accepted finding, keyed without line numbers so moved code stays baselined.
package struct BaselineEntry: Sendable, Codable, Hashable, Comparable {
    let rule: String
    let path: String
    let subject: String
    let fingerprint: String

    package init(_ finding: Finding) {
        rule = finding.ruleID.rawValue
        path = finding.location.path
        subject = finding.subject
        fingerprint = finding.fingerprint
    }

    package static func < (a: BaselineEntry, b: BaselineEntry) -> Bool {
        (a.path, a.rule, a.subject, a.fingerprint) < (b.path, b.rule, b.subject, b.fingerprint)
    }
}

/// The findings a team has accepted for now (`certlint baseline`), so a gate can start on a
/// repository with existing findings and still fail on new ones.
package struct Baseline: Sendable, Codable {
    static let currentVersion = 1
    let version: Int
    package let entries: [BaselineEntry]

    package init(entries: [BaselineEntry]) {
        version = Self.currentVersion
        self.entries = Array(Set(entries)).sorted()
    }

    /// Today's active findings (inline-suppressed ones are accepted already; CP900 never is).
    package init(findings: [Finding]) {
        self.init(
            entries: findings.filter { $0.isActive && !Suppressor.alwaysUnsuppressible.contains($0.ruleID) }.map(
                BaselineEntry.init))
    }

    package static func read(_ path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertLintError.baseline(
                path: path, problem: "cannot be read; create it with `certlint baseline --output \(path)`")
        }
        do {
            let baseline = try JSONDecoder().decode(Baseline.self, from: data)
            guard baseline.version == currentVersion else {
                throw CertLintError.baseline(
                    path: path,
                    problem: "has version \(baseline.version); this certlint reads version \(currentVersion)")
            }
            return baseline
        } catch let error as CertLintError {
            throw error
        } catch {
            throw CertLintError.baseline(path: path, problem: "is not a certlint baseline (\(error))")
        }
    }

    /// Sorted, stable JSON for review in a pull request.
    package func rendered() -> String {
        JSONReporter.encode(self)
    }

    /// Marks findings that are in the baseline as suppressed (kind external); returns them with
    /// the entries that matched nothing (the code was fixed: prune them).
    func apply(to findings: [Finding], file: String) -> (findings: [Finding], unmatched: [BaselineEntry]) {
        let accepted = Set(entries)
        var matched: Set<BaselineEntry> = []
        let result = findings.map { finding -> Finding in
            let entry = BaselineEntry(finding)
            guard accepted.contains(entry) else { return finding }
            matched.insert(entry)
            guard finding.isActive, !Suppressor.alwaysUnsuppressible.contains(finding.ruleID) else { return finding }
            return finding.with(
                suppression: Suppression(
                    kind: .external, justification: "accepted in the baseline \(file)", location: nil))
        }
        return (result, entries.filter { !matched.contains($0) })
    }
}
