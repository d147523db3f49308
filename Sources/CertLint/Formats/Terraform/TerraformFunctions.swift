import Foundation

/// The Terraform functions certlint evaluates; others give `.unknown` naming the function.
enum TerraformFunctions {
    static func call(_ name: String, _ arguments: [TerraformValue], evaluator: TerraformEvaluator) -> TerraformValue {
        // try() and can() look at unknowns themselves; every other function needs known arguments.
        switch name {
        case "try":
            return arguments.first { !$0.isUnknown } ?? .unknown("no argument of try() is known")
        case "can":
            return arguments.first.map { .bool(!$0.isUnknown) } ?? .bool(false)
        default:
            break
        }
        if let unknown = arguments.first(where: \.isUnknown) { return unknown }
        if arguments.contains(where: { if case .resourceAttribute = $0 { return true } else { return false } }),
            !["coalesce", "tolist", "toset", "concat", "element", "one", "compact"].contains(name)
        {
            return .unknown("\(name)() of a provider-computed attribute")
        }
        let strings = arguments.map(\.string)
        switch name {
        case "file", "filebase64", "fileexists":
            guard let written = strings.first ?? nil else { return .unknown("\(name)() needs a path") }
            let path = evaluator.repositoryPath(written)
            let content = evaluator.readFile(path)
            if name == "fileexists" { return .bool(content != nil) }
            guard let content else {
                return .unknown("\(name)(\"\(written)\") reads \(path), which is not in the repository")
            }
            return .string(name == "file" ? content : Data(content.utf8).base64EncodedString())
        case "lower": return strings.first.flatMap { $0 }.map { .string($0.lowercased()) } ?? bad(name)
        case "upper": return strings.first.flatMap { $0 }.map { .string($0.uppercased()) } ?? bad(name)
        case "trimspace":
            return strings.first.flatMap { $0 }.map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                ?? bad(name)
        case "tostring":
            return strings.first.flatMap { $0 }.map { .string($0) } ?? (arguments.first == .null ? .null : bad(name))
        case "tonumber": return strings.first.flatMap { $0 }.flatMap(Double.init).map { .number($0) } ?? bad(name)
        case "tobool": return arguments.first?.bool.map { .bool($0) } ?? bad(name)
        case "tolist", "toset":
            guard case .list(let items)? = arguments.first else { return bad(name) }
            if name == "toset" {
                var seen: [TerraformValue] = []
                for item in items where !seen.contains(item) { seen.append(item) }
                return .list(seen)
            }
            return .list(items)
        case "tomap": return arguments.first.flatMap { $0.object.map { .object($0) } } ?? bad(name)
        case "basename":
            return strings.first.flatMap { $0 }.map { .string(GoFilePath.base($0)) } ?? bad(name)
        case "dirname":
            return strings.first.flatMap { $0 }.map { .string(GoFilePath.dir($0)) } ?? bad(name)
        case "startswith", "endswith":
            guard arguments.count == 2, let text = strings[0], let affix = strings[1] else { return bad(name) }
            return .bool(name == "startswith" ? text.hasPrefix(affix) : text.hasSuffix(affix))
        case "replace":
            guard arguments.count == 3, let text = strings[0], let old = strings[1], let new = strings[2],
                !old.hasPrefix("/")
            else { return bad(name) }
            if !old.isEmpty, new.utf8.count > old.utf8.count {
                // The result's size before building it: each occurrence grows the text.
                let occurrences = text.components(separatedBy: old).count - 1
                guard
                    text.utf8.count + occurrences * (new.utf8.count - old.utf8.count)
                        <= TerraformEvaluator.maximumValueBytes
                else { return tooLarge(name) }
            }
            return .string(text.replacingOccurrences(of: old, with: new))
        case "format":
            guard let format = strings.first ?? nil else { return bad(name) }
            var out = ""
            var rest = arguments.dropFirst().makeIterator()
            var characters = format.makeIterator()
            while let character = characters.next() {
                guard character == "%" else {
                    out.append(character)
                    continue
                }
                guard let verb = characters.next() else { return bad(name) }
                if verb == "%" {
                    out.append("%")
                    continue
                }
                guard let value = rest.next()?.string else { return bad(name) }
                out += value
                guard out.utf8.count <= TerraformEvaluator.maximumValueBytes else { return tooLarge(name) }
            }
            return .string(out)
        case "join":
            guard arguments.count == 2, let separator = strings[0], case .list(let items) = arguments[1] else {
                return bad(name)
            }
            let parts = items.compactMap(\.string)
            guard parts.count == items.count else { return bad(name) }
            let size = parts.reduce(0) { $0 + $1.utf8.count } + max(parts.count - 1, 0) * separator.utf8.count
            guard size <= TerraformEvaluator.maximumValueBytes else { return tooLarge(name) }
            return .string(parts.joined(separator: separator))
        case "split":
            guard arguments.count == 2, let separator = strings[0], let text = strings[1] else { return bad(name) }
            return .list(text.components(separatedBy: separator).map { .string($0) })
        case "concat":
            var all: [TerraformValue] = []
            for argument in arguments {
                guard case .list(let items) = argument else { return bad(name) }
                guard all.count + items.count <= TerraformEvaluator.maximumElements else { return tooLarge(name) }
                all += items
            }
            return .list(all)
        case "flatten":
            func flat(_ value: TerraformValue) -> [TerraformValue] {
                if case .list(let items) = value { return items.flatMap(flat) }
                return [value]
            }
            return arguments.first.map { .list(flat($0)) } ?? bad(name)
        case "compact":
            guard case .list(let items)? = arguments.first else { return bad(name) }
            return .list(items.filter { $0 != .null && $0 != .string("") })
        case "distinct":
            guard case .list(let items)? = arguments.first else { return bad(name) }
            var seen: Set<TerraformValue> = []
            return .list(items.filter { seen.insert($0).inserted })
        case "length":
            switch arguments.first {
            case .list(let items)?: return .number(Double(items.count))
            case .object(let fields)?: return .number(Double(fields.count))
            case .string(let text)?: return .number(Double(text.count))
            default: return bad(name)
            }
        case "element":
            guard arguments.count == 2, case .list(let items) = arguments[0], !items.isEmpty,
                let position = arguments[1].int
            else { return bad(name) }
            return items[((position % items.count) + items.count) % items.count]
        case "one":
            guard case .list(let items)? = arguments.first, items.count <= 1 else { return bad(name) }
            return items.first ?? .null
        case "lookup":
            guard arguments.count >= 2, case .object(let fields) = arguments[0], let key = strings[1] else {
                return bad(name)
            }
            return fields[key] ?? (arguments.count == 3 ? arguments[2] : .unknown("lookup() of a missing key \(key)"))
        case "merge":
            var merged: [String: TerraformValue] = [:]
            for argument in arguments {
                guard case .object(let fields) = argument else { return bad(name) }
                merged.merge(fields) { $1 }
            }
            return .object(merged)
        case "keys", "values":
            guard case .object(let fields)? = arguments.first else { return bad(name) }
            let sorted = fields.keys.sorted()
            return .list(name == "keys" ? sorted.map { .string($0) } : sorted.map { fields[$0]! })
        case "contains":
            guard arguments.count == 2, case .list(let items) = arguments[0] else { return bad(name) }
            return .bool(items.contains(arguments[1]))
        case "coalesce":
            return arguments.first { $0 != .null && $0 != .string("") } ?? .null
        case "zipmap":
            guard arguments.count == 2, case .list(let keys) = arguments[0], case .list(let values) = arguments[1],
                keys.count == values.count
            else { return bad(name) }
            var fields: [String: TerraformValue] = [:]
            for (key, value) in zip(keys, values) {
                guard let text = key.string else { return bad(name) }
                fields[text] = value
            }
            return .object(fields)
        case "range":
            let numbers = arguments.compactMap(\.int)
            guard numbers.count == arguments.count, (1...3).contains(numbers.count) else { return bad(name) }
            let (start, end, step) =
                numbers.count == 1 ? (0, numbers[0], 1) : (numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 1)
            let (span, overflow) = end.subtractingReportingOverflow(start)
            guard step != 0, step != .min, !overflow, span != .min,
                span.magnitude / step.magnitude <= UInt(TerraformEvaluator.maximumInstances)
            else {
                return .unknown(
                    "range(…) over more than \(TerraformEvaluator.maximumInstances) numbers; certlint stops there")
            }
            return .list(stride(from: start, to: end, by: step).map { .number(Double($0)) })
        case "max", "min":
            let numbers = arguments.compactMap { $0.string.flatMap(Double.init) }
            guard !numbers.isEmpty, numbers.count == arguments.count else { return bad(name) }
            return .number(name == "max" ? numbers.max()! : numbers.min()!)
        case "base64encode":
            return strings.first.flatMap { $0 }.map { .string(Data($0.utf8).base64EncodedString()) } ?? bad(name)
        case "base64decode":
            guard let text = strings.first ?? nil, let data = Data(base64Encoded: text),
                let decoded = String(data: data, encoding: .utf8)
            else { return bad(name) }
            return .string(decoded)
        default:
            return .unknown("\(name)() is not evaluated by certlint")
        }
    }

    private static func bad(_ name: String) -> TerraformValue {
        .unknown("\(name)() was called with arguments certlint cannot evaluate")
    }

    private static func tooLarge(_ name: String) -> TerraformValue {
        .unknown(
            "\(name)() would build a value over \(TerraformEvaluator.maximumValueBytes) bytes or \(TerraformEvaluator.maximumElements) elements; certlint stops there"
        )
    }
}
