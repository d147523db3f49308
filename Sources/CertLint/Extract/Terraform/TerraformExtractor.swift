/// One parsed Terraform file: configuration (`.tf`) or variable values (`.tfvars`).
struct TerraformSource: Sendable {
    enum Kind: Sendable { case configuration, variables }
    let path: String
    let kind: Kind
    let body: HCLBody

    var directory: String { String(RepositoryPath.folder(of: path)) }
}

/// Parses `.tf` and `.tfvars` files (HCL native syntax); syntax errors are CP900. The modules
/// they form are read by `TerraformProject` once every file is parsed.
struct TerraformExtractor: Extractor {
    let format = "Terraform"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary else { return false }
        return file.fileExtension == "tf" || file.fileExtension == "tfvars" || file.name.hasSuffix(".tf.json")
            || file.name.hasSuffix(".tfvars.json")
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        var facts = FileFacts()
        let text = try file.text()
        let json = file.name.hasSuffix(".json")
        let configuration = file.fileExtension == "tf" || file.name.hasSuffix(".tf.json")
        let body: HCLBody
        if json && configuration {
            body = try HCLJSON.parse(text, path: file.path)
        } else if json {
            body = try HCLJSON.variables(text)
        } else {
            body = try HCLParser.parse(text)
        }
        facts.terraform = [
            TerraformSource(path: file.path, kind: configuration ? .configuration : .variables, body: body)
        ]
        return facts
    }
}
