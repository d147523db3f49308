/// One parsed Terraform file: configuration (`.tf`) or variable values (`.tfvars`).
public struct TerraformSource: Sendable {
    public enum Kind: Sendable { case configuration, variables }
    public let path: String
    public let kind: Kind
    public let body: HCLBody

    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}

/// Parses `.tf` and `.tfvars` files (HCL native syntax); syntax errors are CP900. The modules
/// they form are read by `TerraformProject` once every file is parsed.
public struct TerraformExtractor: Extractor {
    public let format = "Terraform"
    public init() {}

    public func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary else { return false }
        return file.fileExtension == "tf" || file.fileExtension == "tfvars" || file.name.hasSuffix(".tf.json")
            || file.name.hasSuffix(".tfvars.json")
    }

    public func extract(_ file: ScannedFile) throws -> FileFacts {
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
