/// Resolve: deployments (declared, or discovered where the repository has no certlint.yaml)
/// linked with the listeners and certificates they use.
struct Resolution {
    let topology: Topology
    let notes: [ScanNote]
    let trustStore: TrustStore

    static func run(_ extraction: Extraction, source: ScanSource, settings: Settings, loader: CertificateLoader) throws
        -> Resolution
    {
        let listed = source.listed
        let index = ReferenceIndex(paths: listed.filter { !source.snapshot.isSubmodule($0) })
        let certificateFiles = extraction.certificates.values.compactMap { load -> CertificateFile? in
            if case .file(let file) = load { return file }
            return nil
        }.sorted { $0.path < $1.path }
        var deployments = extraction.facts.deployments
        var incomplete: [DeploymentDiscovery.Incomplete] = []
        // Only a repository without any certlint.yaml (in or out of the scanned folders) is guessed at.
        let repositoryHasManifest = listed.contains {
            ManifestReader.fileNames.contains(String($0.split(separator: "/").last ?? ""))
        }
        if !repositoryHasManifest {
            (deployments, incomplete) = DeploymentDiscovery(index: index, loadCertificates: loader.load).infer(
                from: extraction.facts.listeners)
        }
        var resolver = Resolver(index: index, loadCertificates: loader.load)
        var topology = resolver.resolve(
            deployments: deployments, listeners: extraction.facts.listeners, certificateFiles: certificateFiles)
        topology.incompleteDiscoveries = incomplete
        var notes = topology.notes
        for file in certificateFiles {
            for lenient in file.certificates where !lenient.readLeniently.isEmpty {
                let unchecked =
                    lenient.keyUnknown && lenient.unloadedRSAKeyBits == nil
                    ? "its chain to a trusted CA (CP012) and its key's strength (CP022) are not checked"
                    : "its chain to a trusted CA (CP012) is not checked"
                notes.append(
                    ScanNote(
                        path: file.path,
                        message:
                            "line \(lenient.location.line): the certificate has \(lenient.readLeniently.joined(separator: ", ")), which swift-certificates refuses and OpenSSL accepts; read as OpenSSL does, but \(unchecked)"
                    ))
            }
        }
        return Resolution(topology: topology, notes: notes, trustStore: try loader.trustStore(settings, index: index))
    }
}
