import Foundation

/// The whole pipeline (DESIGN §2), one stage after the other: Source → Extract → Resolve →
/// Evaluate → Suppress → the result the reporters write.
package enum Scanner {
    package static func scan(_ options: ScanOptions, catalog base: RuleCatalog = .builtIn) async throws -> ScanResult {
        let catalog = try ruleCatalog(base, packs: options.rulePacks)
        let source = try ScanSource.open(options)
        let settings = try checkedSettings(options, source: source, catalog: catalog)
        let baseline = try options.baselinePath.map { try Baseline.read($0) }
        let changed = try source.changedPaths(options)

        let cache = openCache(options.factCache, source: source, settings: settings)
        let (files, readNotes) = try source.read(settings, cache: cache)
        let extraction = try await Extraction.run(
            files, source: source, settings: settings, jobs: options.jobs, cache: cache)
        cache?.save()
        let loader = CertificateLoader(
            snapshot: source.snapshot, sizeLimit: settings.maxFileSize, scanned: extraction.certificates)
        let resolution = try Resolution.run(extraction, source: source, settings: settings, loader: loader)
        let trust = await resolution.trustStore.verdicts(resolution.topology)

        let context = EvaluationContext(
            topology: resolution.topology, settings: settings, matrix: catalog.matrix, asOf: options.asOf, trust: trust,
            parseErrors: extraction.parseErrors)
        let evaluation = Evaluator.evaluate(context, catalog: catalog)
        let sources = ScannedTexts(
            extraction.texts.merging(loader.texts) { scanned, _ in scanned },
            unread: extraction.unread.subtracting(loader.texts.keys)
        ) { [snapshot = source.snapshot, limit = settings.maxFileSize] path in
            guard case .bytes(let bytes) = snapshot.read(path, sizeLimit: limit) else { return nil }
            return ScannedFile(path: path, bytes: bytes).bytes
        }
        let suppressed = SuppressionStage(catalog: catalog, settings: settings, options: options)
            .run(evaluation, directives: extraction.directives, sources: sources, baseline: baseline, changed: changed)

        if !source.snapshot.unreadableObjects.isEmpty {
            throw CertLintError.corruptObjects(source.snapshot.unreadableObjects)
        }
        let notes = readNotes + extraction.notes + resolution.notes
        return ScanResult(
            findings: suppressed.findings.sorted(by: Finding.reportOrder),
            checks: suppressed.checks,
            notes: notes.sorted { ($0.path, $0.message) < ($1.path, $1.message) },
            catalog: catalog, settings: settings, failOn: settings.failOn,
            provenance: source.snapshot.provenance, root: source.snapshot.root, filesScanned: files.count,
            topology: resolution.topology,
            baselineUnmatched: suppressed.unmatched, changedFiles: changed, trustStore: resolution.trustStore,
            asOf: options.asOf,
            sources: sources)
    }

    /// The fact cache for this snapshot, or nil when it is turned off or its folder cannot be used.
    static func openCache(_ settings: FactCacheSettings, source: ScanSource, settings scan: Settings) -> FactCacheUse? {
        guard let folder = settings.folder(for: source.snapshot, environment: ProcessInfo.processInfo.environment),
            let store = FactCache(directory: folder, maximumBytes: settings.maximumBytes)
        else { return nil }
        let workTree =
            source.snapshot.mode == .workingTree
            ? WorkTreeStatIndex(
                directory: folder, root: source.snapshot.root, sizeLimit: FactCache.loadLimit(settings.maximumBytes))
            : nil
        return FactCacheUse(
            store: store, keys: FactCacheKeys(build: FactCacheKeys.currentBuild, maximumFileSize: scan.maxFileSize),
            workTree: workTree)
    }

    /// The built-in catalog with `--rules` packs added.
    static func ruleCatalog(_ base: RuleCatalog, packs: [String]) throws -> RuleCatalog {
        var catalog = base
        for pack in packs { try catalog.addPack(at: pack) }
        return catalog
    }

    /// The settings, with every rule they name checked against the catalog.
    static func checkedSettings(_ options: ScanOptions, source: ScanSource, catalog: RuleCatalog) throws -> Settings {
        let settings = try loadSettings(options, snapshot: source.snapshot, scopes: source.scopes)
        for (id, setting) in settings.rules where catalog.rule(named: id) == nil {
            throw CertLintError.configuration(
                path: setting.location.path, line: setting.location.line, column: setting.location.column,
                keyPath: "settings.rules.\(id)",
                problem: "\(id) is not a rule of the catalog (`certlint rules` lists them)")
        }
        if let location = settings.unsuppressibleLocation,
            let unknown = settings.unsuppressible.sorted().first(where: { catalog.rule(named: $0) == nil })
        {
            throw CertLintError.configuration(
                path: location.path, line: location.line, column: location.column, keyPath: "settings.unsuppressible",
                problem: "\(unknown) is not a rule of the catalog (`certlint rules` lists them)")
        }
        return settings
    }

    /// The settings a scan with these options would use, without scanning (`certlint config`).
    package static func effectiveSettings(_ options: ScanOptions) throws -> Settings {
        let paths = options.paths.isEmpty ? ["."] : options.paths
        let snapshot = try openSnapshot(paths[0], mode: options.mode)
        return try loadSettings(
            options, snapshot: snapshot, scopes: paths.compactMap { relativePath($0, in: snapshot) })
    }

    static func openSnapshot(_ path: String, mode: SourceMode) throws -> Snapshot {
        do {
            return try Snapshot(containing: existingAncestor(of: path), mode: mode)
        } catch let error as GitError {
            throw CertLintError.git(error.description)
        }
    }

    /// The deepest ancestor of `path` that exists, so a repository can be found for a path that
    /// exists only in a revision.
    static func existingAncestor(of path: String) -> String {
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        while !FileManager.default.fileExists(atPath: current) && current != "/" {
            current = LocalPath.folder(of: current)
        }
        return current
    }

    static func relativePath(_ path: String, in snapshot: Snapshot) -> String? {
        let ancestor = existingAncestor(of: path)
        guard let base = snapshot.relativePath(of: ancestor) else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let ancestorAbsolute = URL(fileURLWithPath: ancestor).standardizedFileURL.path
        let rest = String(absolute.dropFirst(ancestorAbsolute.count)).split(separator: "/").joined(separator: "/")
        if rest.isEmpty { return base }
        return base.isEmpty ? rest : base + "/" + rest
    }

    /// Settings by precedence: the command line, then the settings file, then the defaults.
    static func loadSettings(_ options: ScanOptions, snapshot: Snapshot, scopes: [String]) throws -> Settings {
        var settings = try settingsFile(options, snapshot: snapshot, scopes: scopes)
        if let failOn = options.failOn {
            settings.failOn = failOn
            settings.sources["fail-on"] = "command line"
        }
        return settings
    }

    /// `--config`, else certlint.yaml at the repository root, else the one at the root of a
    /// single scanned folder.
    static func settingsFile(_ options: ScanOptions, snapshot: Snapshot, scopes: [String]) throws -> Settings {
        if let path = options.configPath {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CertLintError.configurationUnreadable(path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else {
                throw CertLintError.configurationUnreadable(path: path, reason: "is a folder, not a file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CertLintError.configurationUnreadable(path: path, reason: "cannot be read")
            }
            let name = relativePath(path, in: snapshot) ?? path
            return try settings(from: [UInt8](data), path: name)
        }
        var candidates = ["certlint.yaml", ".certlint.yaml", "certlint.yml", ".certlint.yml"]
        if scopes.count == 1, !scopes[0].isEmpty {
            candidates += candidates.map { scopes[0] + "/" + $0 }
        }
        for candidate in candidates {
            switch snapshot.read(candidate, sizeLimit: 1 << 20) {
            case .bytes(let bytes): return try settings(from: bytes, path: candidate)
            case .skipped(.notInRepository): continue
            case .skipped(let skip):
                throw CertLintError.configurationUnreadable(path: candidate, reason: skip.description)
            }
        }
        return Settings()
    }

    static func settings(from bytes: [UInt8], path: String) throws -> Settings {
        do {
            let text = try ScannedFile(path: path, bytes: bytes).text()
            return try ManifestReader(path: path, text: text).settings()
        } catch let error as FormatError {
            throw CertLintError.configuration(
                path: path, line: error.position.line, column: error.position.column, keyPath: "(document)",
                problem: "not valid YAML: \(error.message)")
        }
    }
}
