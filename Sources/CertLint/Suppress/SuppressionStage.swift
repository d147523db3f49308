/// Suppress: inline directives, the `settings.rules` level of CP901 (which exists only once the
/// directives are applied), snippets and fingerprints, the baseline, then diff mode.
struct SuppressionStage {
    let catalog: RuleCatalog
    let settings: Settings
    let options: ScanOptions

    struct Output {
        var findings: [Finding]
        var checks: [Check]
        var unmatched: [BaselineEntry]
    }

    func run(
        _ evaluation: Evaluation, directives: [SuppressionDirective], sources: ScannedTexts, baseline: Baseline?,
        changed: Set<String>?
    ) -> Output {
        var (findings, suppressionChecks) = Suppressor(catalog: catalog, settings: settings, asOf: options.asOf)
            .apply(directives, to: evaluation.findings)
        var checks = evaluation.checks + suppressionChecks
        if let setting = settings.rules["CP901"].flatMap({ RuleSetting(rawValue: $0.value) }) {
            if let level = setting.level {
                findings = findings.map { $0.ruleID == .cp901 ? $0.with(level: level) : $0 }
            } else {
                findings.removeAll { $0.ruleID == .cp901 }
                checks.removeAll { $0.ruleID == .cp901 }
            }
        }
        // Snippets (and so fingerprints) once every finding, CP901 included, exists.
        findings = findings.map { $0.with(snippet: sources.line(at: $0.location)) }
        var unmatched: [BaselineEntry] = []
        if let baseline, let path = options.baselinePath {
            (findings, unmatched) = baseline.apply(to: findings, file: path)
        }
        if let changed {
            // A finding counts as changed when its own line or a location it cites changed, so a
            // new certificate file reports the listener finding it causes.
            findings.removeAll { finding in
                !changed.contains(finding.location.path)
                    && !finding.related.contains { changed.contains($0.location.path) }
            }
            checks.removeAll { !changed.contains($0.location.path) }
            unmatched.removeAll { !changed.contains($0.path) }
        }
        return Output(findings: findings, checks: checks, unmatched: unmatched)
    }
}
