/// Turns the parsed Terraform files of a repository into modules, evaluates each root module
/// (a folder no other module calls) with its tfvars, follows local module calls with their
/// inputs, and lets each provider's extractor read listeners from every module instance.
struct TerraformProject {
    let sources: [TerraformSource]
    let readFile: (String) -> String?

    /// Load-balancer resources of one provider.
    protocol Provider: Sendable {
        func listeners(in evaluator: TerraformEvaluator) -> [Listener]
    }

    static let providers: [any Provider] = [
        AWSLoadBalancers(), BigIPLoadBalancers(), NSXTLoadBalancers(), AviLoadBalancers(),
    ]

    func listeners() -> [Listener] {
        let configuration = Dictionary(grouping: sources.filter { $0.kind == .configuration }, by: \.directory)
        guard !configuration.isEmpty else { return [] }
        var modules: [String: TerraformModule] = [:]
        for (directory, files) in configuration {
            modules[directory] = TerraformModule(
                directory: directory, files: files.sorted { $0.path < $1.path }.map { ($0.path, $0.body) })
        }
        let called = Set(modules.values.flatMap { $0.calls.compactMap(\.localSource) })
        let roots = modules.keys.filter { !called.contains($0) }.sorted()
        let variableFiles = Dictionary(grouping: sources.filter { $0.kind == .variables }, by: \.directory)
        var listeners: [Listener] = []
        for root in roots {
            let inputs = variableValues(variableFiles[root] ?? [], in: root)
            guard let evaluator = makeEvaluator(modules, root, inputs: inputs, rootDirectory: root, depth: 0) else {
                continue
            }
            walk(evaluator, depth: 0) { module in
                for provider in Self.providers { listeners += provider.listeners(in: module) }
            }
        }
        return listeners
    }

    private func makeEvaluator(
        _ modules: [String: TerraformModule], _ directory: String, inputs: [String: TerraformValue],
        rootDirectory: String, depth: Int
    ) -> TerraformEvaluator? {
        guard depth < 16, let module = modules[directory] else { return nil }
        return TerraformEvaluator(
            module: module, inputs: inputs, rootDirectory: rootDirectory, readFile: readFile,
            childEvaluator: { call, childInputs in
                guard let source = call.localSource else { return nil }
                return self.makeEvaluator(
                    modules, source, inputs: childInputs, rootDirectory: rootDirectory, depth: depth + 1)
            })
    }

    /// The module and every local module it calls, each once per call.
    private func walk(_ evaluator: TerraformEvaluator, depth: Int, _ visit: (TerraformEvaluator) -> Void) {
        visit(evaluator)
        guard depth < 16 else { return }
        for call in evaluator.module.calls where call.localSource != nil {
            if let count = call.block.body.attribute("count"), evaluator.evaluate(count.expression).int == 0 {
                continue
            }
            if let child = evaluator.child(call.name) { walk(child, depth: depth + 1, visit) }
        }
    }

    /// terraform.tfvars and *.auto.tfvars of a root folder; other *.tfvars (passed with
    /// -var-file) count only where they agree, since certlint cannot know which one is used.
    private func variableValues(_ files: [TerraformSource], in directory: String) -> [String: TerraformValue] {
        let files = files.sorted { $0.path < $1.path }
        let automatic = files.filter {
            $0.path.hasSuffix("/terraform.tfvars") || $0.path == "terraform.tfvars" || $0.path.hasSuffix(".auto.tfvars")
        }
        let chosen = files.filter { file in !automatic.contains { $0.path == file.path } }
        let literal = TerraformEvaluator(
            module: TerraformModule(directory: directory, files: []), inputs: [:], rootDirectory: directory,
            readFile: readFile, childEvaluator: { _, _ in nil })
        var values: [String: TerraformValue] = [:]
        var perFile: [[String: TerraformValue]] = []
        for file in chosen {
            perFile.append(
                Dictionary(
                    file.body.attributes.map { ($0.name, literal.evaluate($0.expression)) }, uniquingKeysWith: { $1 }))
        }
        for name in Set(perFile.flatMap(\.keys)) {
            let distinct = Set(perFile.compactMap { $0[name] })
            if distinct.count == 1, perFile.allSatisfy({ $0[name] != nil }) {
                values[name] = distinct.first!
            } else {
                values[name] = .unknown(
                    "var.\(name) is set differently in \(chosen.map(\.path).joined(separator: ", ")) and certlint cannot know which -var-file is used"
                )
            }
        }
        for file in automatic {
            for attribute in file.body.attributes { values[attribute.name] = literal.evaluate(attribute.expression) }
        }
        return values
    }
}
