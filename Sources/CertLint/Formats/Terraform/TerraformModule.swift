/// The `.tf` files of one folder: what a Terraform module declares.
struct TerraformModule: Sendable {
    struct Resource: Sendable {
        let type: String
        let name: String
        let block: HCLBlock
        let path: String
        var address: String { "\(type).\(name)" }
    }

    struct Call: Sendable {
        let name: String
        let block: HCLBlock
        let path: String
        /// The repository folder of a local source (`./modules/lb`), nil for a registry or Git source.
        let localSource: String?
    }

    let directory: String
    private(set) var variables: [String: (block: HCLBlock, path: String)] = [:]
    private(set) var locals: [String: (attribute: HCLAttribute, path: String)] = [:]
    private(set) var resources: [Resource] = []
    /// `data` blocks by address (`avi_applicationprofile.http`): read for their literal arguments.
    private(set) var dataSources: [String: (block: HCLBlock, path: String)] = [:]
    private(set) var calls: [Call] = []
    private(set) var outputs: [String: (attribute: HCLAttribute, path: String)] = [:]

    init(directory: String, files: [(path: String, body: HCLBody)]) {
        self.directory = directory
        for (path, body) in files {
            for block in body.blocks {
                switch block.type {
                case "variable" where block.labels.count == 1:
                    variables[block.labels[0]] = (block, path)
                case "locals":
                    for attribute in block.body.attributes { locals[attribute.name] = (attribute, path) }
                case "resource" where block.labels.count == 2:
                    resources.append(Resource(type: block.labels[0], name: block.labels[1], block: block, path: path))
                case "data" where block.labels.count == 2:
                    dataSources["\(block.labels[0]).\(block.labels[1])"] = (block, path)
                case "module" where block.labels.count == 1:
                    var local: String?
                    if case .template(let parts, _)? = block.body.attribute("source")?.expression, parts.count == 1,
                        case .literal(let source) = parts[0], source.hasPrefix("./") || source.hasPrefix("../")
                    {
                        local = RepositoryPath.resolve(source, from: directory)
                    }
                    calls.append(Call(name: block.labels[0], block: block, path: path, localSource: local))
                case "output" where block.labels.count == 1:
                    if let value = block.body.attribute("value") { outputs[block.labels[0]] = (value, path) }
                default:
                    break
                }
            }
        }
    }

    func resource(_ address: String) -> Resource? { resources.first { $0.address == address } }
}
