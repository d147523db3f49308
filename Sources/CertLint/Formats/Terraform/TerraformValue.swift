/// A value Terraform would compute, or why certlint cannot know it.
indirect enum TerraformValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case list([TerraformValue])
    case object([String: TerraformValue])
    /// An attribute only the provider knows (`aws_lb_target_group.x.arn`): it still says which
    /// resource it comes from, which is how listeners find their target groups.
    case resourceAttribute(address: String, attribute: String)
    /// Not knowable from the repository; the text says why (the expression and the gap).
    case unknown(String)

    var string: String? {
        switch self {
        case .string(let text): return text
        case .number(let number):
            return abs(number) < 1e15 ? Int(exactly: number).map(String.init) ?? String(number) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    var int: Int? {
        switch self {
        case .number(let number): return Int(exactly: number)  // nil for fractions and for numbers that do not fit
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    var bool: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: return nil
        }
    }

    var list: [TerraformValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    var object: [String: TerraformValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    var isUnknown: Bool {
        switch self {
        case .unknown: return true
        case .list(let items): return items.contains(where: \.isUnknown)
        case .object(let fields): return fields.values.contains(where: \.isUnknown)
        default: return false
        }
    }

    /// Why the value is unknown, when it is.
    var unknownReason: String? {
        switch self {
        case .unknown(let reason): return reason
        case .list(let items): return items.lazy.compactMap(\.unknownReason).first
        case .object(let fields): return fields.values.lazy.compactMap(\.unknownReason).first
        default: return nil
        }
    }

    subscript(key: String) -> TerraformValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }
}
