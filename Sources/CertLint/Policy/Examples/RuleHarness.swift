import Foundation

/// Runs extract → resolve → one rule on files in memory: no folder, no Git, no other rule. What
/// the examples of each rule (`Rule.examples`) and the rule tests run on.
enum RuleHarness {
    static func evaluate(_ rule: any Rule, files: [String: [UInt8]], asOf: Date, catalog: RuleCatalog = .builtIn)
        async throws -> Evaluation
    {
        let snapshot = Snapshot(files: files)
        let source = ScanSource(snapshot: snapshot, paths: [snapshot.root], scopes: [""])
        var options = ScanOptions()
        options.asOf = asOf
        options.jobs = 1
        let settings = try Scanner.loadSettings(options, snapshot: snapshot, scopes: [""])
        let (inputs, _) = try source.read(settings)
        let extraction = try await Extraction.run(inputs, source: source, settings: settings, jobs: 1)
        let loader = CertificateLoader(
            snapshot: snapshot, sizeLimit: settings.maxFileSize, scanned: extraction.certificates)
        let resolution = try Resolution.run(extraction, source: source, settings: settings, loader: loader)
        let trust = await resolution.trustStore.verdicts(resolution.topology)
        let context = EvaluationContext(
            topology: resolution.topology, settings: settings, matrix: catalog.matrix, asOf: asOf, trust: trust,
            parseErrors: extraction.parseErrors)
        var evaluation = Evaluation(catalog: catalog)
        rule.evaluate(context, into: &evaluation)
        return evaluation
    }
}
