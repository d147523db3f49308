import Foundation

/// The whole pipeline: Source → Parse/Extract → Resolve → Evaluate (DESIGN §2).
public enum Scanner {
    public static func scan(_ options: ScanOptions, catalog base: RuleCatalog = .builtIn) async throws -> ScanResult {
        var catalog = base
        for pack in options.rulePacks { try catalog.addPack(at: pack) }

        let paths = options.paths.isEmpty ? ["."] : options.paths
        for path in paths where options.mode == .workingTree && !FileManager.default.fileExists(atPath: path) {
            throw CertLintError.pathNotFound(path)
        }
        let snapshot = try openSnapshot(paths[0], mode: options.mode)
        var scopes: [String] = []
        for path in paths {
            guard let relative = relativePath(path, in: snapshot) else {
                throw CertLintError.pathsInDifferentRepositories(paths[0], path)
            }
            scopes.append(relative)
        }
        func inScope(_ path: String) -> Bool {
            scopes.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
        }
        let listed = snapshot.paths
        for (index, scope) in scopes.enumerated() where !scope.isEmpty && !listed.contains(where: { $0 == scope || $0.hasPrefix(scope + "/") }) {
            if options.mode == .workingTree {
                // An existing folder with nothing Git tracks or sees; nothing to scan there.
                continue
            }
            throw CertLintError.pathNotInRevision(paths[index])
        }

        let settings = try loadSettings(options, snapshot: snapshot, scopes: scopes)
        for (id, setting) in settings.rules where catalog.rule(id) == nil {
            throw CertLintError.configuration(
                path: setting.location.path, line: setting.location.line, column: setting.location.column,
                keyPath: "settings.rules.\(id)", problem: "\(id) is not a rule of the catalog (`certlint rules` lists them)")
        }
        if let location = settings.unsuppressibleLocation, let unknown = settings.unsuppressible.sorted().first(where: { catalog.rule($0) == nil }) {
            throw CertLintError.configuration(
                path: location.path, line: location.line, column: location.column, keyPath: "settings.unsuppressible",
                problem: "\(unknown) is not a rule of the catalog (`certlint rules` lists them)")
        }
        let baseline = try options.baselinePath.map { try Baseline.read($0) }
        var changed: Set<String>?
        if let base = options.diffBase {
            guard let repository = snapshot.repository else { throw CertLintError.needsRepository(path: paths[0], mode: .revision(base)) }
            do {
                changed = try repository.changedPaths(since: base, mode: options.mode)
            } catch let error as GitError {
                throw CertLintError.git(error.description)
            }
        }

        // Source and Parse/Extract, file by file.
        var notes = snapshot.notes.filter { inScope($0.path) }
        var facts = FileFacts()
        var parseErrors: [ParseFailure] = []
        var texts: [String: [UInt8]] = [:]
        var directives: [SuppressionDirective] = []
        var scannedCertificates: [String: Resolver.CertificateLoad] = [:]
        var filesScanned = 0
        // Source: read on this thread (libgit2 stays here), then parse and extract in parallel.
        var files: [ScannedFile] = []
        for path in listed where inScope(path) {
            if snapshot.isSubmodule(path) || settings.exclude.contains(where: { $0.matches(path) }) { continue }
            if snapshot.isSymbolicLink(path) {
                if case .skipped(let reason) = snapshot.read(path, sizeLimit: settings.maxFileSize), reason.contains("outside the repository") || reason.contains("symbolic links") {
                    notes.append(ScanNote(path: path, message: reason))
                }
                continue
            }
            switch snapshot.read(path, sizeLimit: settings.maxFileSize) {
            case .bytes(let bytes): files.append(ScannedFile(path: path, bytes: bytes))
            case .skipped(let reason): notes.append(ScanNote(path: path, message: reason))
            }
        }
        filesScanned = files.count
        if !snapshot.unreadableObjects.isEmpty { throw CertLintError.corruptObjects(snapshot.unreadableObjects) }
        let outcomes = try await extractAll(files, jobs: options.jobs)
        for (file, outcome) in zip(files, outcomes) {
            if let encoding = file.transcodedFrom {
                notes.append(ScanNote(path: file.path, message: "is \(encoding) text with a byte-order mark; read as Unicode text"))
            }
            guard outcome.claimed else {
                if file.isBinary { notes.append(ScanNote(path: file.path, message: "is a binary file; not read")) }
                continue
            }
            texts[file.path] = file.bytes
            directives += outcome.directives
            parseErrors += outcome.parseErrors
            if let certificates = outcome.certificates { scannedCertificates[file.path] = certificates }
            facts.merge(outcome.facts)
        }
        // Terraform modules and NGINX includes span files: read them once every file is parsed.
        let readText: (String) -> String? = { path in
            guard case .bytes(let bytes) = snapshot.read(path, sizeLimit: settings.maxFileSize) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        facts.listeners += TerraformProject(sources: facts.terraform, readFile: readText).listeners()
        notes += facts.notes
        // NGINX includes span files: splice them in once every file is parsed.
        var nginx = NGINXProject(sources: facts.nginx.sorted { $0.path < $1.path }, paths: listed, readFile: readText)
        facts.listeners += nginx.listeners(notes: &notes, failures: &parseErrors)
        // One cause, one finding: a broken file read on its own and again through an include
        // (or included twice) is reported once.
        var seenFailures: Set<ParseFailure> = []
        parseErrors = parseErrors.filter { seenFailures.insert($0).inserted }

        // Resolve.
        let index = ReferenceIndex(paths: listed.filter { !snapshot.isSubmodule($0) })
        var loaded = scannedCertificates
        let loader: (String) -> Resolver.CertificateLoad = { path in
            if let known = loaded[path] { return known }
            let result = loadCertificate(path, snapshot: snapshot, sizeLimit: settings.maxFileSize, texts: &texts)
            loaded[path] = result
            return result
        }
        let certificateFiles = scannedCertificates.values.compactMap { load -> CertificateFile? in
            if case .file(let file) = load { return file }
            return nil
        }.sorted { $0.path < $1.path }
        var deployments = facts.deployments
        var incomplete: [DeploymentDiscovery.Incomplete] = []
        // Only a repository without any certlint.yaml (in or out of the scanned folders) is guessed at.
        let repositoryHasManifest = listed.contains { ManifestReader.fileNames.contains(String($0.split(separator: "/").last ?? "")) }
        if !repositoryHasManifest {
            (deployments, incomplete) = DeploymentDiscovery(index: index, loadCertificates: loader).infer(from: facts.listeners)
        }
        var resolver = Resolver(index: index, loadCertificates: loader)
        var linked = resolver.resolve(deployments: deployments, listeners: facts.listeners, certificateFiles: certificateFiles)
        linked.incompleteDiscoveries = incomplete
        notes += linked.notes
        for file in certificateFiles.sorted(by: { $0.path < $1.path }) {
            for lenient in file.certificates where !lenient.readLeniently.isEmpty {
                let unchecked = lenient.keyUnknown && lenient.unloadedRSAKeyBits == nil ? "its chain to a trusted CA (CP012) and its key's strength (CP022) are not checked" : "its chain to a trusted CA (CP012) is not checked"
                notes.append(ScanNote(
                    path: file.path,
                    message: "line \(lenient.location.line): the certificate has \(lenient.readLeniently.joined(separator: ", ")), which swift-certificates refuses and OpenSSL accepts; read as OpenSSL does, but \(unchecked)"))
            }
        }

        // Trust for every certificate presented on a cert proxy port.
        let store = try trustStore(settings, snapshot: snapshot, index: index)
        var trust: [String: TrustStore.Verdict] = [:]
        for deployment in linked.deployments {
            guard let certificate = deployment.certProxyCertificate, trust[certificate.path] == nil else { continue }
            switch certificate.source {
            case .file(let file):
                // A certificate read as OpenSSL reads it has no signature swift-certificates can
                // check (its note says so).
                guard file.certificates.allSatisfy(\.readLeniently.isEmpty) else { continue }
                trust[certificate.path] = await store.verify(file)
            case .issued: trust[certificate.path] = .trusted  // a public CA issued it (e.g. AWS Certificate Manager)
            }
        }

        // Evaluate.
        let context = EvaluationContext(
            topology: linked, settings: settings, matrix: catalog.matrix, asOf: options.asOf, trust: trust, parseErrors: parseErrors)
        let evaluation = Evaluator.evaluate(context, catalog: catalog)
        let sources = ScannedTexts(texts)
        // Suppress: inline directives, then the baseline; then keep what diff mode asks for.
        var (findings, suppressionChecks) = Suppressor(catalog: catalog, settings: settings, asOf: options.asOf)
            .apply(directives, to: evaluation.findings)
        var checks = evaluation.checks + suppressionChecks
        if let setting = settings.rules["CP901"].flatMap({ RuleSetting(rawValue: $0.value) }) {
            if let level = setting.level {
                findings = findings.map { $0.ruleID == "CP901" ? $0.with(level: level) : $0 }
            } else {
                findings.removeAll { $0.ruleID == "CP901" }
                checks.removeAll { $0.ruleID == "CP901" }
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
                !changed.contains(finding.location.path) && !finding.related.contains { changed.contains($0.location.path) }
            }
            checks.removeAll { !changed.contains($0.location.path) }
            unmatched.removeAll { !changed.contains($0.path) }
        }
        if !snapshot.unreadableObjects.isEmpty { throw CertLintError.corruptObjects(snapshot.unreadableObjects) }
        return ScanResult(
            findings: findings.sorted(by: Finding.reportOrder),
            checks: checks,
            notes: notes.sorted { ($0.path, $0.message) < ($1.path, $1.message) },
            catalog: catalog, settings: settings, failOn: settings.failOn,
            provenance: snapshot.provenance, root: snapshot.root, filesScanned: filesScanned, topology: linked,
            baselineUnmatched: unmatched, changedFiles: changed, trustStore: store, asOf: options.asOf, sources: sources)
    }

    /// The settings a scan with these options would use, without scanning (`certlint config`).
    public static func effectiveSettings(_ options: ScanOptions) throws -> Settings {
        let paths = options.paths.isEmpty ? ["."] : options.paths
        let snapshot = try openSnapshot(paths[0], mode: options.mode)
        return try loadSettings(options, snapshot: snapshot, scopes: paths.compactMap { relativePath($0, in: snapshot) })
    }

    static func openSnapshot(_ path: String, mode: SourceMode) throws -> Snapshot {
        do {
            return try Snapshot(containing: existingAncestor(of: path), mode: mode)
        } catch let error as GitError {
            throw CertLintError.git(error.description)
        }
    }

    // MARK: - Steps

    /// What extracting one file gave.
    struct FileOutcome: Sendable {
        var claimed = false
        var facts = FileFacts()
        var parseErrors: [ParseFailure] = []
        var certificates: Resolver.CertificateLoad?
        var directives: [SuppressionDirective] = []
    }

    /// Runs every claiming extractor on one file. Pure: safe to run on any thread.
    static func extract(_ file: ScannedFile) throws -> FileOutcome {
        var outcome = FileOutcome()
        let extractors = builtInExtractors.filter { $0.claims(file) }
        guard !extractors.isEmpty else { return outcome }
        outcome.claimed = true
        if !file.isBinary, file.contains(SuppressionDirective.marker, within: .max) {
            outcome.directives = SuppressionDirective.find(in: String(decoding: file.bytes, as: UTF8.self), path: file.path)
        }
        for extractor in extractors {
            do {
                let found = try extractor.extract(file)
                if let certificates = found.certificateFile { outcome.certificates = .file(certificates) }
                outcome.facts.merge(found)
            } catch let error as FormatError {
                outcome.parseErrors.append(ParseFailure(path: file.path, format: extractor.format, error: error))
                if extractor is CertificateExtractor { outcome.certificates = .problem("could not be parsed (see CP900)") }
            }
        }
        return outcome
    }

    /// Extracts every file, `jobs` at a time, and returns the outcomes in the files' order, so
    /// the result does not depend on the number of jobs.
    static func extractAll(_ files: [ScannedFile], jobs: Int) async throws -> [FileOutcome] {
        guard jobs > 1, files.count > 1 else { return try files.map(extract) }
        let chunkCount = min(files.count, jobs * 8)
        let chunkSize = (files.count + chunkCount - 1) / chunkCount
        let chunks = stride(from: 0, to: files.count, by: chunkSize).map { $0..<min($0 + chunkSize, files.count) }
        return try await withThrowingTaskGroup(of: (Int, [FileOutcome]).self) { group in
            var next = 0
            var results = [[FileOutcome]](repeating: [], count: chunks.count)
            func start(_ index: Int) {
                let range = chunks[index]
                let slice = Array(files[range])
                group.addTask { (index, try slice.map(extract)) }
            }
            while next < min(jobs, chunks.count) {
                start(next)
                next += 1
            }
            while let (index, outcomes) = try await group.next() {
                results[index] = outcomes
                if next < chunks.count {
                    start(next)
                    next += 1
                }
            }
            return results.flatMap { $0 }
        }
    }

    /// The deepest ancestor of `path` that exists, so a repository can be found for a path that
    /// exists only in a revision.
    static func existingAncestor(of path: String) -> String {
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        while !FileManager.default.fileExists(atPath: current) && current != "/" {
            current = (current as NSString).deletingLastPathComponent
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
            guard !isDirectory.boolValue else { throw CertLintError.configurationUnreadable(path: path, reason: "is a folder, not a file") }
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
            case .skipped(let reason) where reason != "is not in the repository":
                throw CertLintError.configurationUnreadable(path: candidate, reason: reason)
            case .skipped: continue
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

    static func loadCertificate(_ path: String, snapshot: Snapshot, sizeLimit: Int, texts: inout [String: [UInt8]]) -> Resolver.CertificateLoad {
        switch snapshot.read(path, sizeLimit: sizeLimit) {
        case .skipped(let reason): return .problem(reason)
        case .bytes(let bytes):
            let file = ScannedFile(path: path, bytes: bytes)
            let extractor = CertificateExtractor()
            if file.bytes.starts(with: Array("version https://git-lfs.github.com/spec/".utf8)) {
                return .problem("is a Git LFS pointer, not the certificate itself; fetch the content (git lfs pull) before scanning")
            }
            guard extractor.claims(file) else { return .problem("holds no PEM block or DER certificate") }
            do {
                texts[path] = bytes
                guard let certificates = try extractor.extract(file).certificateFile else { return .problem("holds no certificate") }
                return .file(certificates)
            } catch let error as FormatError {
                return .problem("could not be parsed at line \(error.position.line): \(error.message)")
            } catch {
                return .problem("could not be parsed: \(error)")
            }
        }
    }

    static func trustStore(_ settings: Settings, snapshot: Snapshot, index: ReferenceIndex) throws -> TrustStore {
        var anchors = settings.systemTrust ? TrustStore.systemAnchors() : []
        var texts: [String: [UInt8]] = [:]
        for reference in settings.trustAnchors {
            let configPath = reference.location.path
            func fail(_ problem: String) -> CertLintError {
                .configuration(path: configPath, line: reference.location.line, column: reference.location.column, keyPath: "settings.trust-anchors", problem: problem)
            }
            guard case .file(let path) = index.resolve(reference) else { throw fail("'\(reference.path)' is not a file in the repository") }
            switch loadCertificate(path, snapshot: snapshot, sizeLimit: settings.maxFileSize, texts: &texts) {
            case .file(let file): anchors += file.certificates.map(\.certificate)
            case .problem(let problem): throw fail("\(path) \(problem)")
            }
        }
        return TrustStore(anchors: anchors, description: settings.systemTrust ? "system CA bundle + trust-anchors" : "trust-anchors")
    }
}
