/// certlint's own `certlint.yaml`: the deployments it declares. Text that is not YAML is CP900
/// like any scanned file; a schema error stops the run (exit 2), as configuration errors do.
struct ManifestExtractor: Extractor {
    let format = "certlint.yaml"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        ManifestReader.fileNames.contains(String(file.name))
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        let text = try file.text()
        var facts = FileFacts()
        facts.deployments = try ManifestReader(path: file.path, text: text).deployments()
        return facts
    }
}
