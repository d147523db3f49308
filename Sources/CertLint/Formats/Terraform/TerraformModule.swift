/// The `.tf` files of one folder: what a Terraform module declares.
public struct TerraformModule: Sendable {
    public struct Resource: Sendable {
        public let type: String
        public let name: String
        public let block: HCLBlock
        public let path: String
        public var address: String { "\(type).\(name)" }
    }

    public struct Call: Sendable {
        public let name: String
        public let block: HCLBlock
        public let path: String
        /// The repository folder of a local source (`./modules/lb`), nil for a registry or Git source.
        public let localSource: String?
    }

    public let directory: String
    public private(set) var variables: [String: (block: HCLBlock, path: String)] = [:]
    public private(set) var locals: [String: (attribute: HCLAttribute, path: String)] = [:]
    public private(set) var resources: [Resource] = []
    /// `data` blocks by address (`avi_applicationprofile.http`): read for their literal arguments.
    public private(set) var dataSources: [String: (block: HCLBlock, path: String)] = [:]
    public private(set) var calls: [Call] = []
    public private(set) var outputs: [String: (attribute: HCLAttribute, path: String)] = [:]

    public init(directory: String, files: [(path: String, body: HCLBody)]) {
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
                        local = ReferenceIndex.normalise(directory.isEmpty ? source : directory + "/" + source)
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

    public func resource(_ address: String) -> Resource? { resources.first { $0.address == address } }
}
