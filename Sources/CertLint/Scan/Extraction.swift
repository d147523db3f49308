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

    /// Paths whose bytes the fact cache answered for without reading them; their snippets are
    /// read when a finding needs one.
    var unread: Set<String> = []

    static func run(
        _ inputs: [ScanInput], source: ScanSource, settings: Settings, jobs: Int, cache: FactCacheUse? = nil
    ) async throws -> Extraction {
        var extraction = Extraction()
        let processed = try await processAll(inputs, jobs: jobs)
        for (input, result) in zip(inputs, processed) {
            guard let result = try result ?? reread(input, source: source, settings: settings) else { continue }
            if let entry = result.newEntry, let key = input.cacheKey { cache?.store.add(entry, for: key) }
            extraction.add(result, path: input.path)
        }
        extraction.finishProjects(source: source, settings: settings)
        return extraction
    }

    private mutating func add(_ file: ProcessedFile, path: String) {
        if let encoding = file.transcodedFrom {
            notes.append(
                ScanNote(path: path, message: "is \(encoding) text with a byte-order mark; read as Unicode text"))
        }
        let outcome = file.outcome
        guard outcome.claimed else {
            if file.isBinary { notes.append(ScanNote(path: path, message: "is a binary file; not read")) }
            return
        }
        if let bytes = file.bytes { texts[path] = bytes } else { unread.insert(path) }
        directives += outcome.directives
        parseErrors += outcome.parseErrors
        if let certificates = outcome.certificates { self.certificates[path] = certificates }
        facts.merge(outcome.facts)
    }

    /// A cached entry that could not be used (its checksum or its decoding failed): the file is
    /// read and extracted again, and the fresh entry replaces it.
    private static func reread(_ input: ScanInput, source: ScanSource, settings: Settings) throws -> ProcessedFile? {
        guard case .bytes(let bytes) = source.snapshot.read(input.path, sizeLimit: settings.maxFileSize) else {
            return nil
        }
        return try process(.read(ScannedFile(path: input.path, bytes: bytes), cacheKey: input.cacheKey))
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

    /// What one input gave: the extraction's outcome, what the scan notes about the bytes, the
    /// bytes for snippets (nil when the cache answered without reading), and the payload to store.
    struct ProcessedFile: Sendable {
        var outcome: FileOutcome
        var transcodedFrom: String?
        var isBinary: Bool
        var bytes: [UInt8]?
        var newEntry: [UInt8]?
    }

    /// Extracts a file read (encoding its entry when it has a cache key), or decodes a cached
    /// entry; nil when the entry is damaged. Pure: safe to run on any thread.
    static func process(_ input: ScanInput) throws -> ProcessedFile? {
        switch input {
        case .read(let file, let key):
            let outcome = try extract(file)
            var result = ProcessedFile(
                outcome: outcome, transcodedFrom: file.transcodedFrom, isBinary: file.isBinary, bytes: file.bytes)
            if key != nil {
                result.newEntry = FactCacheCoding.encode(
                    FactCacheRecord(transcodedFrom: file.transcodedFrom, isBinary: file.isBinary, outcome: outcome))
            }
            return result
        case .cached(let path, let bytes, let payload, _):
            guard let record = FactCacheCoding.decode(payload) else { return nil }
            return ProcessedFile(
                outcome: record.outcome, transcodedFrom: record.transcodedFrom, isBinary: record.isBinary,
                bytes: bytes.map { ScannedFile(path: path, bytes: $0).bytes })
        }
    }

    /// Processes every input, `jobs` at a time, and returns the results in the inputs' order, so
    /// the result does not depend on the number of jobs.
    static func processAll(_ inputs: [ScanInput], jobs: Int) async throws -> [ProcessedFile?] {
        guard jobs > 1, inputs.count > 1 else { return try inputs.map(process) }
        let chunkCount = min(inputs.count, jobs * 8)
        let chunkSize = (inputs.count + chunkCount - 1) / chunkCount
        let chunks = stride(from: 0, to: inputs.count, by: chunkSize).map { $0..<min($0 + chunkSize, inputs.count) }
        return try await withThrowingTaskGroup(of: (Int, [ProcessedFile?]).self) { group in
            var next = 0
            var results = [[ProcessedFile?]](repeating: [], count: chunks.count)
            func start(_ index: Int) {
                let slice = Array(inputs[chunks[index]])
                group.addTask { (index, try slice.map(process)) }
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
