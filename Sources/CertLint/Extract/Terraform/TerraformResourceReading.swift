/// Small readers the provider extractors share.
extension TerraformEvaluator {
    func value(_ body: HCLBody, _ name: String, _ scope: Scope = [:]) -> TerraformValue? {
        body.attribute(name).map { evaluate($0.expression, scope) }
    }

    /// A list argument's text values (a single string counts as a list of one).
    func strings(_ body: HCLBody, _ name: String, _ scope: Scope = [:]) -> [String] {
        switch value(body, name, scope) {
        case .list(let items)?: return items.compactMap(\.string)
        case .string(let text)?: return [text]
        default: return []
        }
    }

    /// The resource an expression points at (`bigip_ltm_pool.x.name`, a path or ARN attribute).
    func referencedResource(_ value: TerraformValue?) -> TerraformModule.Resource? {
        guard case .resourceAttribute(let address, _)? = value else { return nil }
        return module.resource(address.components(separatedBy: "[")[0])
    }

    /// The resource of a given type whose `name` argument (or resource name) is `name`, for
    /// providers that link by object name (`/Common/pool_access`).
    func resource(ofType types: Set<String>, named name: String) -> TerraformModule.Resource? {
        let short = name.split(separator: "/").last.map(String.init) ?? name
        return module.resources.first { resource in
            guard types.contains(resource.type) else { return false }
            let declared = value(resource.block.body, "name")?.string
            return declared == name || declared.map { $0.split(separator: "/").last.map(String.init) == short } == true
                || resource.name == short
        }
    }

    /// The pool an argument of a virtual server points at (`pool_path`, `pool_ref`): a resource of
    /// `poolType` in this module, read by `pool`, or a missing backend named by the value.
    func backends(
        _ name: String, of resource: TerraformModule.Resource, _ scope: Scope, poolType: String, unlike: String,
        pool: (TerraformModule.Resource) -> Pool
    ) -> [BackendReference] {
        guard let attribute = resource.block.body.attribute(name) else { return [] }
        let value = evaluate(attribute.expression, scope)
        if let poolResource = referencedResource(value), poolResource.type == poolType {
            return [.pool(pool(poolResource))]
        }
        return [
            .missing(
                name: value.string ?? "pool (\(value.unknownReason ?? unlike))",
                location: SourceLocation(resource.path, attribute.range))
        ]
    }

    /// `file("certs/x.pem")` in an argument, as a repository file reference.
    func fileReference(_ body: HCLBody, _ name: String, at location: SourceLocation) -> FileReference? {
        guard let attribute = body.attribute(name),
            case .call(let function, let arguments, _, _) = attribute.expression,
            function == "file" || function == "filebase64", let argument = arguments.first,
            let written = evaluate(argument).string
        else { return nil }
        return FileReference(path: repositoryPath(written), location: location, baseDirectory: "")
    }
}

/// `host:port` of pool members written as one string (`10.0.0.1:443`, `wsa1.example.dmz:5262`).
func splitHostPort(_ text: String) -> (host: String, port: Int?) {
    if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) {
        return (String(text[..<colon]), port)
    }
    return (text, nil)
}
