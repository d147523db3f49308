import Foundation

/// Evaluates Terraform expressions far enough to resolve load-balancer facts: variables (defaults,
/// tfvars, module inputs), locals, references between resources of a module, module outputs,
/// `file()` of repository paths, `count`/`for_each` over literal collections, `for` expressions,
/// templates and the common functions. Anything else is `.unknown` with the reason, never a guess.
final class TerraformEvaluator {
    let module: TerraformModule
    let inputs: [String: TerraformValue]
    /// Reads a repository file (for `file()`), nil when it is not there.
    let readFile: (String) -> String?
    /// Builds the evaluator of a child module from its inputs.
    let childEvaluator: (TerraformModule.Call, [String: TerraformValue]) -> TerraformEvaluator?
    let rootDirectory: String

    /// Limits that keep hostile input bounded: the instances of one `count`/`for_each`, the
    /// elements of a collection, the bytes of a string, and the expressions one evaluator
    /// evaluates. Past them a value is `.unknown` with the limit named (CP031 where it matters).
    static let maximumInstances = 1024
    static let maximumElements = 10_000
    static let maximumValueBytes = 1 << 20
    static let maximumSteps = 2_000_000
    private var steps = 0

    private var localValues: [String: TerraformValue] = [:]
    private var evaluatingLocals: Set<String> = []
    private var children: [String: TerraformEvaluator?] = [:]
    private var depth = 0

    init(
        module: TerraformModule, inputs: [String: TerraformValue], rootDirectory: String,
        readFile: @escaping (String) -> String?,
        childEvaluator: @escaping (TerraformModule.Call, [String: TerraformValue]) -> TerraformEvaluator?
    ) {
        self.module = module
        self.inputs = inputs
        self.rootDirectory = rootDirectory
        self.readFile = readFile
        self.childEvaluator = childEvaluator
    }

    typealias Scope = [String: TerraformValue]

    // MARK: - Instances

    /// The instances of a resource or module block: one without count/for_each, one per
    /// element otherwise; each instance's scope binds `count.index` or `each.key`/`each.value`.
    func instances(of block: HCLBlock) -> [(key: String?, scope: Scope)] {
        if let count = block.body.attribute("count") {
            let value = evaluate(count.expression)
            guard let number = value.int else {
                return [
                    (
                        nil,
                        [
                            "count": .object([
                                "index": .unknown(
                                    "count of \(block.labels.joined(separator: ".")) is not known: \(value.unknownReason ?? "not a number")"
                                )
                            ])
                        ]
                    )
                ]
            }
            guard number <= Self.maximumInstances else {
                let reason =
                    "count of \(block.labels.joined(separator: ".")) is \(number), over the \(Self.maximumInstances) instances certlint evaluates"
                return [(nil, ["count": .object(["index": .unknown(reason)])])]
            }
            return (0..<max(number, 0)).map { (String($0), ["count": .object(["index": .number(Double($0))])]) }
        }
        if let forEach = block.body.attribute("for_each") {
            let value = evaluate(forEach.expression)
            switch value {
            case .object(let fields):
                return fields.keys.sorted().map { ($0, ["each": .object(["key": .string($0), "value": fields[$0]!])]) }
            case .list(let items):
                return items.compactMap { item in
                    item.string.map { ($0, ["each": .object(["key": .string($0), "value": item])]) }
                }
            default:
                return [
                    (
                        nil,
                        [
                            "each": .object([
                                "key": .unknown("for_each is not known"),
                                "value": .unknown(
                                    "for_each is not known: \(value.unknownReason ?? "not a collection")"),
                            ])
                        ]
                    )
                ]
            }
        }
        return [(nil, [:])]
    }

    /// `dynamic "name" { for_each = …; content { … } }` blocks expanded into plain blocks, with
    /// the scope each copy's content is evaluated in.
    func blocks(_ type: String, in body: HCLBody, scope: Scope) -> [(body: HCLBody, scope: Scope)] {
        var result: [(HCLBody, Scope)] = body.blocks(type).map { ($0.body, scope) }
        for dynamic in body.blocks("dynamic") where dynamic.labels.first == type {
            guard let content = dynamic.body.blocks("content").first else { continue }
            var iterator = type
            if let name = dynamic.body.attribute("iterator")?.expression.referenceName { iterator = name }
            let collection =
                dynamic.body.attribute("for_each").map { evaluate($0.expression, scope) }
                ?? .unknown("dynamic block without for_each")
            switch collection {
            case .list(let items):
                for (index, item) in items.enumerated() {
                    var inner = scope
                    inner[iterator] = .object(["key": .number(Double(index)), "value": item])
                    result.append((content.body, inner))
                }
            case .object(let fields):
                for key in fields.keys.sorted() {
                    var inner = scope
                    inner[iterator] = .object(["key": .string(key), "value": fields[key]!])
                    result.append((content.body, inner))
                }
            default:
                var inner = scope
                inner[iterator] = .object([
                    "key": .unknown("dynamic for_each is not known"),
                    "value": .unknown("dynamic for_each is not known"),
                ])
                result.append((content.body, inner))
            }
        }
        return result
    }

    // MARK: - Expressions

    func evaluate(_ expression: HCLExpression, _ scope: Scope = [:]) -> TerraformValue {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { return .unknown("expression nests too deeply to evaluate") }
        steps += 1
        guard steps <= Self.maximumSteps else {
            return .unknown("the module takes more than \(Self.maximumSteps) evaluation steps; certlint stops there")
        }
        return bounded(evaluateUnbounded(expression, scope))
    }

    /// A value over the size limits becomes unknown, so no later step builds on it.
    private func bounded(_ value: TerraformValue) -> TerraformValue {
        switch value {
        case .string(let text) where text.utf8.count > Self.maximumValueBytes:
            return .unknown("a value is longer than \(Self.maximumValueBytes) bytes; certlint stops there")
        case .list(let items) where items.count > Self.maximumElements:
            return .unknown("a list has more than \(Self.maximumElements) elements; certlint stops there")
        case .object(let fields) where fields.count > Self.maximumElements:
            return .unknown("an object has more than \(Self.maximumElements) fields; certlint stops there")
        default:
            return value
        }
    }

    private func evaluateUnbounded(_ expression: HCLExpression, _ scope: Scope) -> TerraformValue {
        switch expression {
        case .number(let value, _): return .number(value)
        case .bool(let value, _): return .bool(value)
        case .null: return .null
        case .template(let parts, _): return template(parts, scope)
        case .parenthesized(let inner, _): return evaluate(inner, scope)
        case .variable(let name, _):
            if let value = scope[name] { return value }
            return .unknown("'\(name)' is not a value certlint knows")
        case .traversal(let base, let steps, _):
            return traverse(base, steps, scope, text: expression.referenceName ?? "expression")
        case .splat(let source, let rest, _): return splat(source, rest, scope)
        case .call(let name, let arguments, let expandFinal, _): return call(name, arguments, expandFinal, scope)
        case .tuple(let items, _): return .list(items.map { evaluate($0, scope) })
        case .object(let items, _): return object(items, scope)
        case .unary(let op, let operand, _):
            let value = evaluate(operand, scope)
            if value.isUnknown { return value }
            if op == "!", let flag = value.bool { return .bool(!flag) }
            if op == "-", case .number(let number) = value { return .number(-number) }
            return .unknown("\(op) does not apply to this value")
        case .binary(let op, let left, let right, _):
            return binary(op, evaluate(left, scope), evaluate(right, scope))
        case .conditional(let condition, let then, let otherwise, _):
            let decided = evaluate(condition, scope)
            if let flag = decided.bool { return evaluate(flag ? then : otherwise, scope) }
            let a = evaluate(then, scope)
            let b = evaluate(otherwise, scope)
            if a == b { return a }
            return .unknown("the condition of a conditional is not known (\(decided.unknownReason ?? "not a boolean"))")
        case .forTuple(let clause, _):
            return forExpression(clause, scope, object: false)
        case .forObject(let clause, _):
            return forExpression(clause, scope, object: true)
        }
    }

    /// `source[*].rest`: the traversal applied to each element (a value that is not a list is one element).
    private func splat(_ source: HCLExpression, _ rest: [HCLTraverser], _ scope: Scope) -> TerraformValue {
        let value = evaluate(source, scope)
        guard case .list(let items) = value else {
            if value.isUnknown { return value }
            return apply(rest, to: value, scope)
        }
        return .list(items.map { apply(rest, to: $0, scope) })
    }

    /// A function call; `f(list...)` expands its final argument.
    private func call(_ name: String, _ arguments: [HCLExpression], _ expandFinal: Bool, _ scope: Scope)
        -> TerraformValue
    {
        var values = arguments.map { evaluate($0, scope) }
        if expandFinal, let last = values.popLast() {
            guard case .list(let items) = last else { return .unknown("\(name)(…) expands a value that is not a list") }
            values += items
        }
        return TerraformFunctions.call(name, values, evaluator: self)
    }

    /// `{ key = value }`: a bare name as a key is that text, not a variable.
    private func object(_ items: [HCLObjectItem], _ scope: Scope) -> TerraformValue {
        var fields: [String: TerraformValue] = [:]
        for item in items {
            let key: TerraformValue
            if case .variable(let name, _) = item.key {
                key = .string(name)
            } else {
                key = evaluate(item.key, scope)
            }
            guard let text = key.string else { return .unknown("an object key is not known") }
            fields[text] = evaluate(item.value, scope)
        }
        return .object(fields)
    }

    private func template(_ parts: [HCLTemplatePart], _ scope: Scope) -> TerraformValue {
        // A template of one interpolation is that value, not its string form.
        if parts.count == 1, case .interpolation(let expression) = parts[0] { return evaluate(expression, scope) }
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
                if text.utf8.count > Self.maximumValueBytes { return bounded(.string(text)) }
            case .interpolation(let expression):
                let value = evaluate(expression, scope)
                guard let string = value.string else {
                    if case .resourceAttribute(let address, let attribute) = value {
                        return .unknown("\(address).\(attribute) is computed by the provider")
                    }
                    return .unknown(value.unknownReason ?? "an interpolated value is not text")
                }
                text += string
                if text.utf8.count > Self.maximumValueBytes { return bounded(.string(text)) }
            case .conditional(let condition, let then, let otherwise):
                guard let flag = evaluate(condition, scope).bool else {
                    return .unknown("a %{if} condition is not known")
                }
                guard let chosen = template(flag ? then : otherwise, scope).string else {
                    return .unknown("a %{if} branch is not known")
                }
                text += chosen
            case .loop(let key, let value, let collection, let body):
                let items: [(TerraformValue, TerraformValue)]
                switch evaluate(collection, scope) {
                case .list(let list): items = list.enumerated().map { (.number(Double($0.offset)), $0.element) }
                case .object(let fields): items = fields.keys.sorted().map { (.string($0), fields[$0]!) }
                default: return .unknown("a %{for} collection is not known")
                }
                for (itemKey, itemValue) in items {
                    var inner = scope
                    inner[value] = itemValue
                    if let key { inner[key] = itemKey }
                    guard let piece = template(body, inner).string else {
                        return .unknown("a %{for} body is not known")
                    }
                    text += piece
                    if text.utf8.count > Self.maximumValueBytes { return bounded(.string(text)) }
                }
            }
        }
        return .string(text)
    }

    private func forExpression(_ clause: HCLFor, _ scope: Scope, object: Bool) -> TerraformValue {
        let items: [(TerraformValue, TerraformValue)]
        switch evaluate(clause.collection, scope) {
        case .list(let list): items = list.enumerated().map { (.number(Double($0.offset)), $0.element) }
        case .object(let fields): items = fields.keys.sorted().map { (.string($0), fields[$0]!) }
        case let other:
            return .unknown(
                "the collection of a for expression is not known (\(other.unknownReason ?? "not a collection"))")
        }
        guard items.count <= Self.maximumElements else {
            return .unknown(
                "a for expression runs over more than \(Self.maximumElements) elements; certlint stops there")
        }
        var list: [TerraformValue] = []
        var fields: [String: TerraformValue] = [:]
        for (key, value) in items {
            var inner = scope
            inner[clause.valueVariable] = value
            if let name = clause.keyVariable { inner[name] = key }
            if let condition = clause.condition {
                guard let keep = evaluate(condition, inner).bool else {
                    return .unknown("a for expression's if clause is not known")
                }
                if !keep { continue }
            }
            if object, let keyExpression = clause.key {
                guard let name = evaluate(keyExpression, inner).string else {
                    return .unknown("a for expression's key is not known")
                }
                let element = evaluate(clause.value, inner)
                if clause.grouping {
                    var group = fields[name]?.list ?? []
                    group.append(element)
                    fields[name] = .list(group)
                } else {
                    fields[name] = element
                }
            } else {
                list.append(evaluate(clause.value, inner))
            }
        }
        return object ? .object(fields) : .list(list)
    }

    private func binary(_ op: String, _ a: TerraformValue, _ b: TerraformValue) -> TerraformValue {
        switch op {
        case "&&":
            if a.bool == false || b.bool == false { return .bool(false) }
        case "||":
            if a.bool == true || b.bool == true { return .bool(true) }
        default: break
        }
        if a.isUnknown { return a }
        if b.isUnknown { return b }
        switch op {
        case "==": return .bool(a == b || (a.string != nil && a.string == b.string && isScalar(a) && isScalar(b)))
        case "!=": return .bool(!(a == b || (a.string != nil && a.string == b.string && isScalar(a) && isScalar(b))))
        case "&&", "||":
            guard let x = a.bool, let y = b.bool else { return .unknown("\(op) needs booleans") }
            return .bool(op == "&&" ? x && y : x || y)
        default:
            guard let x = number(a), let y = number(b) else { return .unknown("\(op) needs numbers") }
            switch op {
            case "+": return .number(x + y)
            case "-": return .number(x - y)
            case "*": return .number(x * y)
            case "/": return y == 0 ? .unknown("division by zero") : .number(x / y)
            case "%": return y == 0 ? .unknown("modulo by zero") : .number(x.truncatingRemainder(dividingBy: y))
            case ">": return .bool(x > y)
            case ">=": return .bool(x >= y)
            case "<": return .bool(x < y)
            case "<=": return .bool(x <= y)
            default: return .unknown("unknown operator \(op)")
            }
        }
    }

    private func isScalar(_ value: TerraformValue) -> Bool {
        switch value {
        case .string, .number, .bool: return true
        default: return false
        }
    }

    private func number(_ value: TerraformValue) -> Double? {
        switch value {
        case .number(let number): return number
        case .string(let text): return Double(text)
        default: return nil
        }
    }

    // MARK: - References

    private func traverse(_ base: HCLExpression, _ steps: [HCLTraverser], _ scope: Scope, text: String)
        -> TerraformValue
    {
        guard case .variable(let root, _) = base, scope[root] == nil else {
            return apply(steps, to: evaluate(base, scope), scope)
        }
        guard case .attribute(let name)? = steps.first else {
            return .unknown("\(text) is not a reference certlint follows")
        }
        let rest = Array(steps.dropFirst())
        switch root {
        case "var":
            if let value = inputs[name] { return apply(rest, to: value, scope) }
            if let declared = module.variables[name] {
                if let defaultValue = declared.block.body.attribute("default") {
                    return apply(rest, to: evaluate(defaultValue.expression), scope)
                }
                return .unknown("var.\(name) has no default and no value in a tfvars file or module call")
            }
            return .unknown(
                "var.\(name) is not declared in \(module.directory.isEmpty ? "the root module" : module.directory)")
        case "local":
            return apply(rest, to: local(name), scope)
        case "module":
            return apply(Array(rest.dropFirst()), to: moduleOutput(name, rest.first), scope)
        case "data":
            return .unknown("data.\(name)… is read from the provider at plan time")
        case "path":
            switch name {
            // Relative to the working directory, the root module's folder, as Terraform has them.
            case "module": return .string(Self.relative(from: rootDirectory, to: module.directory))
            case "root", "cwd": return .string(".")
            default: return .unknown("path.\(name) is not a Terraform path value")
            }
        case "terraform":
            return name == "workspace" ? .string("default") : .unknown("terraform.\(name) is not known")
        case "self", "each", "count":
            return .unknown("\(root).\(name) is used outside the block that defines it")
        default:
            return resourceReference(type: root, name: name, rest: rest, scope: scope)
        }
    }

    /// `TYPE.NAME[.index].attribute…` of a resource in this module.
    private func resourceReference(type: String, name: String, rest: [HCLTraverser], scope: Scope) -> TerraformValue {
        let address = "\(type).\(name)"
        guard let resource = module.resource(address) else {
            return .unknown(
                "\(address) is not a resource of \(module.directory.isEmpty ? "the root module" : module.directory)")
        }
        var steps = rest
        var instanceScope: Scope = [:]
        let counted = resource.block.body.attribute("count") != nil || resource.block.body.attribute("for_each") != nil
        if counted {
            guard case .index(let keyExpression)? = steps.first else {
                // The whole collection of instances.
                let all = instances(of: resource.block).map { instance in
                    instanceObject(resource, scope: instance.scope)
                }
                return apply(steps, to: .list(all), scope)
            }
            steps.removeFirst()
            let key = evaluate(keyExpression, scope)
            guard let keyText = key.string else { return .unknown("the instance key of \(address) is not known") }
            guard let instance = instances(of: resource.block).first(where: { $0.key == keyText }) else {
                return .unknown("\(address)[\(keyText)] is not an instance of \(address)")
            }
            instanceScope = instance.scope
        }
        return apply(steps, to: instanceObject(resource, scope: instanceScope), scope)
    }

    /// A resource instance as an object: its literal arguments, and any other attribute as a
    /// provider-computed `resourceAttribute`.
    private func instanceObject(_ resource: TerraformModule.Resource, scope: Scope) -> TerraformValue {
        var fields: [String: TerraformValue] = ["@address": .string(resource.address)]
        for attribute in resource.block.body.attributes where attribute.name != "count" && attribute.name != "for_each"
        {
            fields[attribute.name] = evaluate(attribute.expression, scope)
        }
        return .object(fields)
    }

    func apply(_ steps: [HCLTraverser], to value: TerraformValue, _ scope: Scope) -> TerraformValue {
        var current = value
        for step in steps {
            if current.isUnknown, case .unknown = current { return current }
            switch step {
            case .attribute(let name):
                switch current {
                case .object(let fields):
                    if let field = fields[name] {
                        current = field
                    } else if case .string(let address)? = fields["@address"] {
                        current = .resourceAttribute(address: address, attribute: name)
                    } else {
                        return .unknown("the object has no attribute \(name)")
                    }
                case .resourceAttribute(let address, let attribute):
                    return .unknown("\(address).\(attribute).\(name) is computed by the provider")
                case .list(let items) where items.count == 1:
                    current = apply([step], to: items[0], scope)
                default:
                    return .unknown("\(name) of a value that is not an object")
                }
            case .index(let keyExpression):
                let key = evaluate(keyExpression, scope)
                switch current {
                case .list(let items):
                    guard let position = key.int, items.indices.contains(position) else {
                        return .unknown("index \(key.string ?? "?") is not in the list")
                    }
                    current = items[position]
                case .object(let fields):
                    guard let name = key.string, let field = fields[name] else {
                        return .unknown("key \(key.string ?? "?") is not in the object")
                    }
                    current = field
                default:
                    return .unknown("an index into a value that is not a collection")
                }
            }
        }
        return current
    }

    private func local(_ name: String) -> TerraformValue {
        if let cached = localValues[name] { return cached }
        guard let declared = module.locals[name] else { return .unknown("local.\(name) is not declared") }
        guard !evaluatingLocals.contains(name) else { return .unknown("local.\(name) refers to itself") }
        evaluatingLocals.insert(name)
        let value = evaluate(declared.attribute.expression)
        evaluatingLocals.remove(name)
        localValues[name] = value
        return value
    }

    /// The evaluator of a local child module, built once.
    func child(_ name: String) -> TerraformEvaluator? {
        if let known = children[name] { return known }
        guard let call = module.calls.first(where: { $0.name == name }) else {
            children[name] = .some(nil)
            return nil
        }
        var inputs: [String: TerraformValue] = [:]
        for attribute in call.block.body.attributes
        where !["source", "version", "count", "for_each", "providers", "depends_on"].contains(attribute.name) {
            inputs[attribute.name] = evaluate(attribute.expression)
        }
        let evaluator = call.localSource == nil ? nil : childEvaluator(call, inputs)
        children[name] = .some(evaluator)
        return evaluator
    }

    private func moduleOutput(_ name: String, _ step: HCLTraverser?) -> TerraformValue {
        guard let call = module.calls.first(where: { $0.name == name }) else {
            return .unknown("module.\(name) is not called here")
        }
        guard call.localSource != nil else {
            return .unknown("module.\(name) comes from a registry or Git source certlint does not read")
        }
        guard case .attribute(let output)? = step else {
            return .unknown("module.\(name) is used without an output name")
        }
        guard let evaluator = child(name) else { return .unknown("module.\(name) could not be read") }
        guard let declared = evaluator.module.outputs[output] else {
            return .unknown("module.\(name) has no output \(output)")
        }
        return evaluator.evaluate(declared.attribute.expression)
    }

    /// The relative path from folder `from` to folder `to` (repository-relative folders).
    static func relative(from: String, to: String) -> String {
        let a = from.split(separator: "/")
        let b = to.split(separator: "/")
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// A repository path as written in this module (`${path.module}/certs/x.pem`, `certs/x.pem`).
    func repositoryPath(_ written: String) -> String {
        if written.hasPrefix("/") { return RepositoryPath.normalise(written) }
        // Terraform resolves relative paths against the working directory: the root module.
        return RepositoryPath.resolve(written, from: rootDirectory)
    }
}
