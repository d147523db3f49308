/// Links the facts of all files into one topology per deployment (DESIGN §2, Resolve).
///
/// A listener joins a deployment when a manifest names its file in `load-balancer:`, when one
/// of its backend servers is a node of the deployment, or when its certificate names the VIP
/// exactly; never because of its port alone (Openfire uses 5262/5263 too). Its role then comes
/// from its port: 443, the cert proxy port, or the secondary port.
struct Resolver {
    enum CertificateLoad: Sendable, Codable {
        case file(CertificateFile)
        case problem(String)
    }

    let index: ReferenceIndex
    /// Reads and parses a repository file as certificates (cached by the caller).
    let loadCertificates: (String) -> CertificateLoad

    private(set) var unresolved: [UnresolvedReference] = []
    private(set) var weak: [WeakCertificate] = []
    /// Where a declaration of certlint.yaml stood in for a certificate the platform holds.
    private(set) var notes: [ScanNote] = []

    init(index: ReferenceIndex, loadCertificates: @escaping (String) -> CertificateLoad) {
        self.index = index
        self.loadCertificates = loadCertificates
    }

    mutating func resolve(deployments: [Deployment], listeners: [Listener], certificateFiles: [CertificateFile])
        -> Topology
    {
        // Files a manifest names belong to that deployment alone; nodes identify their deployment.
        var claimedFiles: [String: String] = [:]
        for deployment in deployments {
            for reference in deployment.loadBalancerFiles {
                switch index.resolve(reference) {
                case .file(let path), .folder(let path): claimedFiles[path] = claimedFiles[path] ?? deployment.name
                default: break
                }
            }
        }
        let nodesByDeployment = Dictionary(
            deployments.map { ($0.name, Set($0.nodes.map(\.value))) }, uniquingKeysWith: { $0.union($1) })
        // Which deployment's load-balancer: list claims each listener's file (or a folder above it),
        // looked up once per listener rather than once per listener and deployment.
        var claimant: [String: String] = [:]
        for listener in listeners where claimant[listener.file] == nil {
            if let owner = Self.enclosing(listener.file, in: claimedFiles) { claimant[listener.file] = owner }
        }
        // Indexes so each deployment looks only at the listeners that could be its own.
        var byPath: [String: [Int]] = [:]
        var byHost: [String: [Int]] = [:]
        for (position, listener) in listeners.enumerated() {
            for folder in RepositoryPath.selfAndEnclosingFolders(of: listener.file) {
                byPath[String(folder), default: []].append(position)
            }
            for host in Set(listener.members.map({ $0.host.lowercasedFQDN })) {
                byHost[host, default: []].append(position)
            }
        }
        var byCertificateName: [String: [Int]] = [:]
        if deployments.contains(where: { $0.loadBalancerFiles.isEmpty }) {
            for (position, listener) in listeners.enumerated() where !listener.certificates.isEmpty {
                for name in Set(certificateNames(listener)) { byCertificateName[name, default: []].append(position) }
            }
        }
        let lookup = ListenerLookup(
            all: listeners, byPath: byPath, byHost: byHost, byCertificateName: byCertificateName)
        let topologies = deployments.map {
            resolve($0, lookup: lookup, claimant: claimant, nodesByDeployment: nodesByDeployment)
        }
        return Topology(
            deployments: topologies, listeners: listeners, unresolved: unique(unresolved),
            unusableCertificates: weak, certificateFiles: certificateFiles, notes: notes)
    }

    private func unique(_ references: [UnresolvedReference]) -> [UnresolvedReference] {
        var seen: Set<String> = []
        return references.filter { seen.insert("\($0.subject)|\($0.location)").inserted }
    }

    /// The value for `path` or its nearest enclosing folder in `table`.
    static func enclosing(_ path: String, in table: [String: String]) -> String? {
        RepositoryPath.selfAndEnclosingFolders(of: path).lazy.compactMap { table[String($0)] }.first
    }

    /// Listeners indexed by file and enclosing folders, by backend host, and by certificate name.
    struct ListenerLookup {
        let all: [Listener]
        let byPath: [String: [Int]]
        let byHost: [String: [Int]]
        let byCertificateName: [String: [Int]]
    }

    private mutating func resolve(
        _ deployment: Deployment, lookup: ListenerLookup, claimant: [String: String],
        nodesByDeployment: [String: Set<String>]
    ) -> DeploymentTopology {
        let subject = "deployment \(deployment.name)"
        let joined = Self.virtualServersForVIP(
            listeners(of: deployment, lookup: lookup, claimant: claimant, nodesByDeployment: nodesByDeployment),
            vip: deployment.vip.value)
        let mode = decideMode(deployment, joined)
        let service = deployment.serviceCertificate.flatMap {
            certificate(.file($0), subject: "\(subject) / service certificate")
        }
        let publicUse = publicCertificate(of: deployment, mode: mode?.mode, joined: joined, service: service)
        let certProxy =
            deployment.certProxy.certificate.map {
                certificate(.file($0), subject: "\(subject) / cert proxy certificate")
            } ?? publicUse
        let secondary =
            deployment.certProxy.secondaryCertificate.map {
                certificate(.file($0), subject: "\(subject) / 5263 certificate")
            } ?? service
        let nodeNames = deployment.nodes.map(\.value)
        return DeploymentTopology(
            deployment: deployment, listeners: joined, mode: mode,
            publicCertificate: publicUse, serviceCertificate: service,
            certProxyCertificate: certProxy, secondaryCertificate: secondary,
            namespace: HostNames.namespace(vip: deployment.vip.value, nodes: nodeNames),
            classification: publicUse.map {
                CertificateClassification.classify(
                    dnsNames: $0.dnsNames, commonName: $0.commonName, vip: deployment.vip.value, nodes: nodeNames)
            })
    }

    /// The listeners a deployment joins, each with the evidence that joined it.
    private mutating func listeners(
        of deployment: Deployment, lookup: ListenerLookup, claimant: [String: String],
        nodesByDeployment: [String: Set<String>]
    ) -> [DeploymentListener] {
        let subject = "deployment \(deployment.name)"
        let nodes = Set(deployment.nodes.map(\.value))
        // Files, or folders (a Terraform module), the manifest lists under load-balancer:.
        var explicitFiles: Set<String> = []
        for reference in deployment.loadBalancerFiles {
            switch index.resolve(reference) {
            case .file(let path), .folder(let path): explicitFiles.insert(path)
            case let other:
                unresolved.append(
                    UnresolvedReference(
                        location: reference.location, problem: Self.describe(other, reference),
                        subject: "\(subject) / load-balancer"))
            }
        }
        let explicitListeners = Set(explicitFiles.flatMap { lookup.byPath[$0] ?? [] })
        var candidates = explicitListeners
        if explicitFiles.isEmpty {
            for node in nodes { candidates.formUnion(lookup.byHost[node] ?? []) }
            candidates.formUnion(lookup.byCertificateName[deployment.vip.value] ?? [])
        }

        let otherDeploymentsNodes = nodesByDeployment.filter { $0.key != deployment.name }.values.reduce(
            into: Set<String>()
        ) { $0.formUnion($1) }
        var joined: [DeploymentListener] = []
        for position in candidates.sorted() {
            let listener = lookup.all[position]
            guard let role = deployment.role(ofPort: listener.port) else { continue }
            // Evidence, strongest first. A deployment that lists its LB files takes listeners from
            // those files only; a file another manifest lists is that deployment's.
            var reason: String?
            let memberHosts = Set(listener.members.map { $0.host.lowercasedFQDN })
            let claimedBy = claimant[listener.file]
            if explicitListeners.contains(position) {
                reason = "its file is listed in load-balancer: of \(deployment.manifest)"
            } else if !explicitFiles.isEmpty || claimedBy.map({ $0 != deployment.name }) == true {
                reason = nil
            } else if let member = listener.members.first(where: { nodes.contains($0.host.lowercasedFQDN) }) {
                reason = "its backend server \(member.host) is a node of the deployment"
            } else if memberHosts.isDisjoint(with: otherDeploymentsNodes),
                certificateNamesVIP(listener, vip: deployment.vip.value)
            {
                reason = "its certificate names the VIP \(deployment.vip.value)"
            }
            guard let reason else { continue }
            joined.append(DeploymentListener(role: role, listener: listener, joinedBy: reason))
            // A backend that cannot be found matters where a deployment depends on the listener.
            for case .missing(let name, let location) in listener.backends {
                unresolved.append(
                    UnresolvedReference(
                        location: location, problem: "backend '\(name)' is not defined in \(listener.file)",
                        subject: "\(subject) / listener \(listener.port) (\(listener.name))"))
            }
        }

        return joined
    }

    /// The certificate clients see on 443: the terminating listener's (or, when the platform
    /// holds it, the declared one); in passthrough the service certificate.
    private mutating func publicCertificate(
        of deployment: Deployment, mode: LoadBalancerMode?, joined: [DeploymentListener], service: CertificateUse?
    ) -> CertificateUse? {
        let subject = "deployment \(deployment.name)"
        var publicUse: CertificateUse?
        switch mode {
        case .reencrypt?, nil:
            let terminating = joined.first { $0.role == .service && $0.listener.terminatesTLS }?.listener
            if let terminating, let lbReference = terminating.certificates.first {
                let recorded = unresolved.count
                publicUse = certificate(lbReference, subject: "\(subject) / public certificate")
                if publicUse == nil, let declared = deployment.publicCertificate, let held = heldByPlatform(lbReference)
                {
                    // The platform holds the certificate (an ARN, an NSX-T path, a profile, a path on
                    // the LB host): the declaration says which it is, so the matrix is still judged.
                    unresolved.removeSubrange(recorded...)
                    publicUse = certificate(.file(declared), subject: "\(subject) / public certificate")
                    notes.append(
                        ScanNote(
                            path: held.location.path,
                            message:
                                "line \(held.location.line): \(held.description) of \(terminating.name) is not in the repository; "
                                + "public-certificate \(declared.path) of deployment \(deployment.name) (\(deployment.manifest)) stands in for it"
                        ))
                }
            } else if let declared = deployment.publicCertificate {
                publicUse = certificate(.file(declared), subject: "\(subject) / public certificate")
            }
        case .passthrough?:
            if deployment.serviceCertificate != nil {
                publicUse = service
            } else if let declared = deployment.publicCertificate {
                publicUse = certificate(.file(declared), subject: "\(subject) / public certificate")
            }
        }
        return publicUse
    }

    /// Of name-based virtual servers sharing a port (NGINX `server_name`), the ones a client
    /// reaching the VIP gets: those named for it, or else the port's default server.
    static func virtualServersForVIP(_ joined: [DeploymentListener], vip: String) -> [DeploymentListener] {
        let groups = Dictionary(grouping: joined.compactMap(\.listener.virtualHost), by: \.group).filter {
            $0.value.count > 1
        }
        guard !groups.isEmpty else { return joined }
        var chosen: [String: Set<VirtualHost>] = [:]
        for (group, hosts) in groups {
            let named = hosts.filter { $0.answers(vip) }
            let picked = named.isEmpty ? hosts.filter(\.isDefault) : named
            chosen[group] = Set(picked.isEmpty ? hosts : picked)
        }
        return joined.filter { joined in
            guard let host = joined.listener.virtualHost, let picked = chosen[host.group] else { return true }
            return picked.contains(host)
        }
    }

    /// The LB configuration decides when it has a 443 listener; `lb-mode` otherwise.
    private func decideMode(_ deployment: Deployment, _ listeners: [DeploymentListener]) -> ModeDecision? {
        if let service = listeners.first(where: { $0.role == .service }) {
            let listener = service.listener
            guard listener.unknowns.isEmpty else { return nil }  // reported by CP031
            if listener.terminatesTLS {
                return ModeDecision(mode: .reencrypt, location: listener.location, fromLoadBalancer: true)
            }
            if listener.layer == .l4 {
                return ModeDecision(
                    mode: .passthrough, location: listener.layerLocation ?? listener.location, fromLoadBalancer: true)
            }
            return nil  // HTTP without TLS on 443: neither mode (reported by CP031)
        }
        return deployment.lbMode.map { ModeDecision(mode: $0.value, location: $0.location, fromLoadBalancer: false) }
    }

    private func certificateNamesVIP(_ listener: Listener, vip: String) -> Bool {
        certificateNames(listener).contains(vip)
    }

    /// The exact names (lower-cased) of a listener's certificates.
    private func certificateNames(_ listener: Listener) -> [String] {
        listener.certificates.flatMap { Self.names(of: $0, index: index, loadCertificates: loadCertificates) }
    }

    /// The DNS names of a certificate reference (the CN when there are none), lower-cased;
    /// nothing when it cannot be read.
    static func names(
        of reference: CertificateReference, index: ReferenceIndex, loadCertificates: (String) -> CertificateLoad
    ) -> [String] {
        let leaf: CertificateInfo?
        switch reference {
        case .issued(let issued): return issued.names.map(\.lowercasedFQDN)
        case .embedded(let file, _): leaf = file.leaf
        case .file(let file):
            guard case .file(let path) = index.resolve(file), case .file(let certificates) = loadCertificates(path)
            else { return [] }
            leaf = certificates.leaf
        case .unreadable: return []
        }
        guard let leaf else { return [] }
        return (leaf.dnsNames.isEmpty ? [leaf.commonName].compactMap { $0 } : leaf.dnsNames).map(\.lowercasedFQDN)
    }

    /// A reference to a certificate that lives on the platform rather than in the repository
    /// (an unreadable platform object, or a path that names no repository file), with what it
    /// is and where it is written; nil for a repository file that exists but cannot be used.
    private func heldByPlatform(_ reference: CertificateReference) -> (description: String, location: SourceLocation)? {
        switch reference {
        case .unreadable(let description, let location, _): return (description, location)
        case .file(let file):
            if case .missing = index.resolve(file) { return ("certificate '\(file.path)'", file.location) }
            return nil
        case .issued, .embedded: return nil
        }
    }

    /// Resolves and loads a certificate reference; a failure is remembered for CP030 (or CP022).
    private mutating func certificate(_ reference: CertificateReference, subject: String) -> CertificateUse? {
        switch reference {
        case .issued(let issued):
            return CertificateUse(referenceLocation: issued.referencedAt, source: .issued(issued))
        case .embedded(let file, let location):
            guard file.leaf != nil else {
                unresolved.append(
                    UnresolvedReference(
                        location: location, problem: "\(file.path) holds no certificate", subject: subject))
                return nil
            }
            return CertificateUse(referenceLocation: location, source: .file(file))
        case .unreadable(let description, let location, let problem):
            unresolved.append(
                UnresolvedReference(location: location, problem: "\(description) \(problem)", subject: subject))
            return nil
        case .file(let file):
            return certificate(file, subject: subject)
        }
    }

    private mutating func certificate(_ reference: FileReference, subject: String) -> CertificateUse? {
        switch index.resolve(reference) {
        case .file(let path):
            switch loadCertificates(path) {
            case .file(let file):
                if let unusable = file.unusable.first, file.leaf == nil || unusable.location < file.leaf!.location {
                    weak.append(
                        WeakCertificate(
                            location: reference.location, path: path, certificate: unusable, subject: subject))
                    return nil
                }
                guard file.leaf != nil else {
                    unresolved.append(
                        UnresolvedReference(
                            location: reference.location, problem: "\(path) holds no certificate", subject: subject))
                    return nil
                }
                return CertificateUse(referenceLocation: reference.location, source: .file(file))
            case .problem(let problem):
                unresolved.append(
                    UnresolvedReference(location: reference.location, problem: "\(path) \(problem)", subject: subject))
                return nil
            }
        case let other:
            unresolved.append(
                UnresolvedReference(
                    location: reference.location, problem: Self.describe(other, reference), subject: subject))
            return nil
        }
    }

    static func describe(_ resolution: ReferenceIndex.Resolution, _ reference: FileReference) -> String {
        switch resolution {
        case .file(let path): return "\(path) resolved"
        case .missing(let tried):
            return "'\(reference.path)' is not in the repository (tried \(tried.joined(separator: ", ")))"
        case .ambiguous(let paths):
            return "'\(reference.path)' could be any of \(paths.joined(separator: ", ")); write the repository path"
        case .folder(let path): return "'\(reference.path)' is the folder \(path); certlint needs the certificate file"
        }
    }
}
