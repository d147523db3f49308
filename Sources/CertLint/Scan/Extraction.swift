/// Extract: every file through the extractors that claim it, in parallel, then the formats that
/// span files (Terraform modules, NGINX includes) once every file is parsed.
struct Extraction {
    var facts = FileFacts()
    var parseErrors: [ParseFailure] = []
    var notes: [ScanNote] = []
    var directives: [SuppressionDirective] = []
    /// The certificate files read while scanning, by path.
    var certificates: [String: Resolver.CertificateLoad] = [:]
    /// The bytes of every file read as configuration or certificate (for snippets).
    var texts: [String: [UInt8]] = [:]

    static func run(_ files: [ScannedFile], source: ScanSource, settings: Settings, jobs: Int) async throws
        -> Extraction
    {
        var extraction = Extraction()
        let outcomes = try await extractAll(files, jobs: jobs)
        for (file, outcome) in zip(files, outcomes) {
            if let encoding = file.transcodedFrom {
                extraction.notes.append(
                    ScanNote(
                        path: file.path, message: "is \(encoding) text with a byte-order mark; read as Unicode text"))
            }
            guard outcome.claimed else {
                if file.isBinary {
                    extraction.notes.append(ScanNote(path: file.path, message: "is a binary file; not read"))
                }
                continue
            }
            extraction.texts[file.path] = file.bytes
            extraction.directives += outcome.directives
            extraction.parseErrors += outcome.parseErrors
            if let certificates = outcome.certificates { extraction.certificates[file.path] = certificates }
            extraction.facts.merge(outcome.facts)
        }
        extraction.finishProjects(source: source, settings: settings)
        return extraction
    }

    /// Terraform modules and NGINX includes span files: read them once every file is parsed.
    private mutating func finishProjects(source: ScanSource, settings: Settings) {
        let snapshot = source.snapshot
        let readText: (String) -> String? = { path in
            guard case .bytes(let bytes) = snapshot.read(path, sizeLimit: settings.maxFileSize) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        facts.listeners += TerraformProject(sources: facts.terraform, readFile: readText).listeners()
        notes += facts.notes
        var nginx = NGINXProject(
            sources: facts.nginx.sorted { $0.path < $1.path }, listed: source.listed, readFile: readText)
        facts.listeners += nginx.listeners(notes: &notes, failures: &parseErrors)
        // One cause, one finding: a broken file read on its own and again through an include
        // (or included twice) is reported once.
        var seen: Set<ParseFailure> = []
        parseErrors = parseErrors.filter { seen.insert($0).inserted }
    }

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
            outcome.directives = SuppressionDirective.find(
                in: String(decoding: file.bytes, as: UTF8.self), path: file.path)
        }
        for extractor in extractors {
            do {
                let found = try extractor.extract(file)
                if let certificates = found.certificateFile { outcome.certificates = .file(certificates) }
                outcome.facts.merge(found)
            } catch let error as FormatError {
                outcome.parseErrors.append(ParseFailure(path: file.path, format: extractor.format, error: error))
                if extractor is CertificateExtractor {
                    outcome.certificates = .problem("could not be parsed (see CP900)")
                }
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
}
