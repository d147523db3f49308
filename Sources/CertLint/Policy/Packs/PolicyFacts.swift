import Foundation

/// What a pack rule can select: one kind of fact of each deployment's topology.
enum FactKind: String, Sendable, CaseIterable {
    case deployment, listener, pool
    case poolMember = "pool-member"
    case certificate
    case certProxy = "cert-proxy"
}

/// A value of a fact's attribute; `absent` when the repository does not say (a condition on it is
/// then unknown, and the rule reports nothing on a guess).
enum FactValue: Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([String])
    case absent

    var description: String {
        switch self {
        case .text(let text): return "'\(text)'"
        case .number(let number): return "\(number)"
        case .flag(let flag): return "\(flag)"
        case .list(let items): return "[\(items.joined(separator: ", "))]"
        case .absent: return "not known"
        }
    }
}

/// One attribute a pack rule may test, as the generated table documents it.
struct FactAttribute: Sendable {
    enum ValueType: String, Sendable { case text, number, flag, list, certificate }
    let name: String
    let type: ValueType
    let meaning: String
}

/// One selected fact: its subject and location (where a finding lands), its attributes, and the
/// facts of the same deployment it is related to.
struct PolicyFact: Sendable {
    let kind: FactKind
    let subject: String
    let location: SourceLocation
    let values: [String: FactValue]
    /// The certificate a `certificate` fact is about (for `issued-by`).
    var certificate: CertificateUse?
    /// Unique within its deployment's facts.
    var id = ""
    /// For each relation (`certificate`, `pool-members` …), the IDs of the related facts.
    var links: [String: [String]] = [:]

    func value(_ attribute: String) -> FactValue { values[attribute] ?? .absent }

    /// The subject without its deployment, for a message about a related fact.
    var shortSubject: String {
        guard kind != .deployment, let cut = subject.range(of: " / ") else { return subject }
        return String(subject[cut.upperBound...])
    }
}

extension FactKind {
    /// Every attribute of the kind, in the order the documentation lists them.
    var attributes: [FactAttribute] {
        switch self {
        case .deployment: return FactAttributes.deployment
        case .listener: return FactAttributes.listener
        case .pool: return FactAttributes.pool
        case .poolMember: return FactAttributes.poolMember
        case .certificate: return FactAttributes.certificate
        case .certProxy: return FactAttributes.certProxy
        }
    }

    func attribute(named name: String) -> FactAttribute? { attributes.first { $0.name == name } }

    /// Every relation from a fact of this kind, in the order the documentation lists them.
    var relations: [FactRelation] { FactRelation.all.filter { $0.from == self } }

    func relation(named name: String) -> FactRelation? { relations.first { $0.name == name } }
}
