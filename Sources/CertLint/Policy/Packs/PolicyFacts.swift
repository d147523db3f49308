import Foundation

/// What a pack rule can select: one kind of fact of each deployment's topology.
enum FactKind: String, Sendable, CaseIterable {
    case deployment, listener
    case poolMember = "pool-member"
    case certificate
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

/// One selected fact: its subject and location (where a finding lands), and its attributes.
struct PolicyFact: Sendable {
    let kind: FactKind
    let subject: String
    let location: SourceLocation
    let values: [String: FactValue]
    /// The certificate a `certificate` fact is about (for `issued-by`).
    var certificate: CertificateUse?

    func value(_ attribute: String) -> FactValue { values[attribute] ?? .absent }
}

extension FactKind {
    /// Every attribute of the kind, in the order the documentation lists them.
    var attributes: [FactAttribute] {
        switch self {
        case .deployment: return FactAttributes.deployment
        case .listener: return FactAttributes.listener
        case .poolMember: return FactAttributes.poolMember
        case .certificate: return FactAttributes.certificate
        }
    }

    func attribute(named name: String) -> FactAttribute? { attributes.first { $0.name == name } }

    /// The facts of this kind in one deployment's topology.
    func facts(of topology: DeploymentTopology, asOf: Date) -> [PolicyFact] {
        switch self {
        case .deployment: return [FactAttributes.deploymentFact(topology)]
        case .listener: return topology.listeners.map { FactAttributes.listenerFact($0, in: topology) }
        case .poolMember:
            return topology.listeners.flatMap { joined in
                joined.listener.pools.flatMap { pool in
                    pool.members.map { FactAttributes.memberFact($0, pool: pool, joined: joined, in: topology) }
                }
            }
        case .certificate: return FactAttributes.certificateFacts(topology, asOf: asOf)
        }
    }
}
