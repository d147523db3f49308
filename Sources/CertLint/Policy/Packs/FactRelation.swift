import Foundation

/// A named way from one fact to others of the same deployment: the listener's certificate, the
/// pool's members. Conditions follow them with `every`, `some`, `none` and `count`.
struct FactRelation: Sendable, Equatable {
    let from: FactKind
    let name: String
    let to: FactKind
    let meaning: String

    static let all: [FactRelation] = [
        FactRelation(from: .deployment, name: "listeners", to: .listener, meaning: "every listener of the deployment"),
        FactRelation(
            from: .deployment, name: "pools", to: .pool,
            meaning: "the pools its listeners forward to, each once (a `pool` fact is per listener)"),
        FactRelation(
            from: .deployment, name: "pool-members", to: .poolMember, meaning: "the members of those pools, each once"),
        FactRelation(from: .deployment, name: "certificates", to: .certificate, meaning: "the certificates it uses"),
        FactRelation(from: .deployment, name: "cert-proxy", to: .certProxy, meaning: "its cert proxy"),
        FactRelation(from: .listener, name: "deployment", to: .deployment, meaning: "the deployment it serves"),
        FactRelation(from: .listener, name: "pools", to: .pool, meaning: "the pools it forwards to"),
        FactRelation(from: .listener, name: "pool-members", to: .poolMember, meaning: "the members of those pools"),
        FactRelation(
            from: .listener, name: "certificate", to: .certificate,
            meaning:
                "the certificate a client gets on its port: the public one on 443, the cert proxy's, or the secondary one"
        ),
        FactRelation(from: .pool, name: "deployment", to: .deployment, meaning: "the deployment"),
        FactRelation(from: .pool, name: "listener", to: .listener, meaning: "the listener that forwards to it"),
        FactRelation(from: .pool, name: "pool-members", to: .poolMember, meaning: "its members"),
        FactRelation(from: .poolMember, name: "deployment", to: .deployment, meaning: "the deployment"),
        FactRelation(from: .poolMember, name: "listener", to: .listener, meaning: "the listener that forwards to it"),
        FactRelation(from: .poolMember, name: "pool", to: .pool, meaning: "its pool"),
        FactRelation(from: .certificate, name: "deployment", to: .deployment, meaning: "the deployment"),
        FactRelation(
            from: .certificate, name: "listeners", to: .listener, meaning: "the listeners on whose port clients get it"),
        FactRelation(from: .certProxy, name: "deployment", to: .deployment, meaning: "the deployment"),
        FactRelation(
            from: .certProxy, name: "listeners", to: .listener,
            meaning: "the load balancer's listeners for the cert proxy port and 5263"),
        FactRelation(
            from: .certProxy, name: "certificates", to: .certificate,
            meaning: "the cert proxy certificate and the secondary one"),
    ]
}

/// Every fact of one deployment, linked: what a rule selects from and what its relations reach.
struct DeploymentFacts: Sendable {
    private(set) var facts: [PolicyFact] = []
    private var index: [String: Int] = [:]

    /// A deployment's facts: no relation of an isolated fact reaches anything.
    static let none = DeploymentFacts()

    private init() {}

    init(_ topology: DeploymentTopology, asOf: Date) {
        var deployment = FactAttributes.deploymentFact(topology)
        deployment.id = "deployment"
        var certificates = FactAttributes.certificateFacts(topology, asOf: asOf)
        var certificateByRole: [String: String] = [:]
        for position in certificates.indices {
            certificates[position].id = "certificate#\(position)"
            if case .list(let roles) = certificates[position].value("roles") {
                for role in roles { certificateByRole[role] = certificates[position].id }
            }
        }
        var proxy = FactAttributes.certProxyFact(topology)
        proxy.id = "cert-proxy"
        proxy.links["certificates"] = ["cert-proxy", "secondary"].compactMap { certificateByRole[$0] }
        var listeners: [PolicyFact] = []
        var pools: [PolicyFact] = []
        var members: [PolicyFact] = []
        for (position, joined) in topology.listeners.enumerated() {
            var listener = FactAttributes.listenerFact(joined, in: topology)
            listener.id = "listener#\(position)"
            listener.links["certificate"] = certificateByRole[Self.servedCertificate(joined.role)].map { [$0] }
            for (poolPosition, pool) in joined.listener.pools.enumerated() {
                var poolFact = FactAttributes.poolFact(pool, joined: joined, in: topology)
                poolFact.id = "\(listener.id).pool#\(poolPosition)"
                poolFact.links["listener"] = [listener.id]
                for member in pool.members {
                    var memberFact = FactAttributes.memberFact(member, pool: pool, joined: joined, in: topology)
                    memberFact.id = "\(poolFact.id).member#\(poolFact.links["pool-members", default: []].count)"
                    memberFact.links["listener"] = [listener.id]
                    memberFact.links["pool"] = [poolFact.id]
                    poolFact.links["pool-members", default: []].append(memberFact.id)
                    members.append(memberFact)
                }
                listener.links["pools", default: []].append(poolFact.id)
                listener.links["pool-members", default: []] += poolFact.links["pool-members", default: []]
                pools.append(poolFact)
            }
            if ["cert-proxy", "secondary"].contains(FactAttributes.roleName(joined.role)) {
                proxy.links["listeners", default: []].append(listener.id)
            }
            listeners.append(listener)
        }
        for position in certificates.indices {
            certificates[position].links["listeners"] = listeners.filter {
                $0.links["certificate"] == [certificates[position].id]
            }.map(\.id)
        }
        // A backend two listeners share is one pool of the deployment, with its members once.
        deployment.links = [
            "listeners": listeners.map(\.id), "pools": Self.once(pools), "pool-members": Self.once(members),
            "certificates": certificates.map(\.id), "cert-proxy": [proxy.id],
        ]
        for fact in [deployment] + listeners + pools + members + certificates + [proxy] {
            var linked = fact
            if fact.kind != .deployment { linked.links["deployment"] = [deployment.id] }
            index[fact.id] = facts.count
            facts.append(linked)
        }
    }

    /// The certificate role (`roles` of a certificate fact) a client gets on a listener of this role.
    private static func servedCertificate(_ role: DeploymentListener.Role) -> String {
        switch role {
        case .service: return "public"
        case .certProxy: return "cert-proxy"
        case .secondary: return "secondary"
        }
    }

    /// The IDs of the facts, one per source location.
    private static func once(_ facts: [PolicyFact]) -> [String] {
        var seen: Set<SourceLocation> = []
        return facts.filter { seen.insert($0.location).inserted }.map(\.id)
    }

    func of(_ kind: FactKind) -> [PolicyFact] { facts.filter { $0.kind == kind } }

    func related(_ fact: PolicyFact, _ relation: FactRelation) -> [PolicyFact] {
        fact.links[relation.name, default: []].compactMap { index[$0].map { facts[$0] } }
    }
}
