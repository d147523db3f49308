/// Infers deployments from load-balancer configurations when the repository has no
/// `certlint.yaml`: a 5262 listener whose targets are also the targets of a 443 listener in the
/// same folder, or whose 443 partner checks the Access heartbeat
/// (`/SAAS/API/1.0/REST/system/health/heartbeat`). The VIP comes from the 443 certificate's
/// name, the nodes from the targets. What the matrix still needs is reported once as CP031 with
/// the certlint.yaml snippet that would supply it.
struct DeploymentDiscovery {
    static let heartbeat = "/SAAS/API/1.0/REST/system/health/heartbeat"

    /// A pair of listeners that looks like an Access deployment but lacks facts.
    struct Incomplete: Sendable, Hashable {
        let location: SourceLocation
        let subject: String
        let missing: [String]
        let snippet: String
    }

    let index: ReferenceIndex
    let loadCertificates: (String) -> Resolver.CertificateLoad

    func infer(from listeners: [Listener]) -> (deployments: [Deployment], incomplete: [Incomplete]) {
        var deployments: [Deployment] = []
        var incomplete: [Incomplete] = []
        var used: Set<String> = []
        let byFolder = Dictionary(grouping: listeners) { String(RepositoryPath.folder(of: $0.file)) }
        for folder in byFolder.keys.sorted() {
            let group = byFolder[folder]!
            for service in group where service.port == 443 && service.unknowns.isEmpty {
                let serviceHosts = Set(service.members.map { $0.host.lowercasedFQDN }.filter(Self.isHostName))
                let heartbeat = service.pools.contains { $0.healthCheckPath?.hasPrefix(Self.heartbeat) == true }
                guard
                    let certProxy = group.first(where: { candidate in
                        candidate.port == 5262
                            && (heartbeat
                                || !serviceHosts.isDisjoint(with: candidate.members.map { $0.host.lowercasedFQDN }))
                    })
                else { continue }
                let key = "\(service.file)#\(service.name)"
                guard used.insert(key).inserted else { continue }
                let name = "\(service.name) + \(certProxy.name)"
                let nodes = Array(
                    serviceHosts.union(certProxy.members.map { $0.host.lowercasedFQDN }.filter(Self.isHostName))
                ).sorted()
                let vip = self.vip(of: service)
                var missing: [String] = []
                if vip == nil { missing.append("the VIP (no name of the 443 certificate identifies it)") }
                if nodes.isEmpty {
                    missing.append("the nodes' FQDNs (the targets are addresses or instance references)")
                }
                guard missing.isEmpty, let vip else {
                    incomplete.append(
                        Incomplete(
                            location: service.location, subject: "inferred deployment \(name)", missing: missing,
                            snippet: Self.snippet(
                                vip: vip?.name ?? "access.example.com",
                                nodes: nodes.isEmpty ? ["wsa1.example.dmz", "wsa2.example.dmz"] : nodes,
                                files: [service.file, certProxy.file])))
                    continue
                }
                let memberLocation = { (host: String) -> SourceLocation in
                    (service.members + certProxy.members).first { $0.host.lowercasedFQDN == host }?.location
                        ?? service.location
                }
                deployments.append(
                    Deployment(
                        name: name, manifest: service.file, location: service.sectionLocation,
                        vip: Located(vip.name, at: vip.location),
                        nodes: nodes.map { Located($0, at: memberLocation($0)) },
                        lbMode: nil, publicCertificate: nil, serviceCertificate: nil,
                        certProxy: CertProxy(
                            port: nil, secondaryPort: nil, certificate: nil, secondaryCertificate: nil, location: nil),
                        loadBalancerFiles: Array(Set([service.file, certProxy.file])).sorted().map {
                            FileReference(path: $0, location: service.sectionLocation, baseDirectory: "")
                        }))
            }
        }
        return (deployments, incomplete)
    }

    /// The one exact (not wildcard) DNS name of the 443 certificate, when there is one.
    private func vip(of listener: Listener) -> (name: String, location: SourceLocation)? {
        for reference in listener.certificates {
            let names = Resolver.names(of: reference, index: index, loadCertificates: loadCertificates)
            if let first = names.first(where: { !HostNames.isWildcard($0) }) { return (first, reference.location) }
        }
        return nil
    }

    static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".")
        return labels.count >= 2 && labels.contains { $0.contains(where: \.isLetter) } && !text.contains(" ")
    }

    static func snippet(vip: String, nodes: [String], files: [String]) -> String {
        """
        version: 1
        deployments:
          - name: access
            vip: \(vip)
            nodes: [\(nodes.joined(separator: ", "))]
            load-balancer: [\(Array(Set(files)).sorted().joined(separator: ", "))]
        """
    }
}
