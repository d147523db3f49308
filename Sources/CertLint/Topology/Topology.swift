/// A certificate a deployment uses, with where the use is declared: a parsed file, or a
/// provider-issued certificate known by its names.
package struct CertificateUse: Sendable, Hashable {
    enum Source: Sendable, Hashable {
        case file(CertificateFile)
        case issued(IssuedCertificate)
    }
    /// Where the manifest or LB configuration names it.
    let referenceLocation: SourceLocation
    let source: Source

    /// The parsed leaf, for a file.
    package var leaf: CertificateInfo? {
        if case .file(let file) = source { return file.leaf }
        return nil
    }
    var file: CertificateFile? {
        if case .file(let file) = source { return file }
        return nil
    }
    /// The repository path of the file, or the configuration's name of an issued certificate.
    package var path: String {
        switch source {
        case .file(let file): return file.path
        case .issued(let issued): return issued.identity
        }
    }
    /// Where the certificate itself is: its PEM block, or the resource that declares it.
    var location: SourceLocation {
        switch source {
        case .file(let file): return file.leaf?.location ?? .file(file.path)
        case .issued(let issued): return issued.location
        }
    }
    /// What compares equal for the same certificate: the DER hash, or the issued identity.
    var identity: String {
        switch source {
        case .file(let file): return file.leaf?.sha256 ?? file.path
        case .issued(let issued): return issued.identity
        }
    }
    var dnsNames: [String] {
        switch source {
        case .file(let file): return file.leaf?.dnsNames ?? []
        case .issued(let issued): return issued.names
        }
    }
    var commonName: String? {
        switch source {
        case .file(let file): return file.leaf?.commonName
        case .issued(let issued): return issued.names.first
        }
    }
    var summary: String {
        switch source {
        case .file(let file): return file.leaf?.summary ?? "no certificate"
        case .issued(let issued): return "\(issued.issuer), DNS=[\(issued.names.joined(separator: ", "))]"
        }
    }
}

/// How the 443 mode of a deployment was decided.
struct ModeDecision: Sendable, Hashable {
    let mode: LoadBalancerMode
    let location: SourceLocation
    /// True when the LB configuration decided it, false when `lb-mode` did.
    let fromLoadBalancer: Bool
}

/// A load-balancer listener in the role it plays for a deployment.
package struct DeploymentListener: Sendable, Hashable {
    package enum Role: String, Sendable, Hashable {
        case service = "443"
        case certProxy = "cert proxy"
        case secondary = "5263"
    }
    package let role: Role
    package let listener: Listener
    /// Why it belongs to the deployment, for messages.
    let joinedBy: String
}

/// One Workspace ONE Access deployment with everything the repository says about it, linked.
package struct DeploymentTopology: Sendable {
    package let deployment: Deployment
    package let listeners: [DeploymentListener]
    let mode: ModeDecision?
    let publicCertificate: CertificateUse?
    package let serviceCertificate: CertificateUse?
    let certProxyCertificate: CertificateUse?
    let secondaryCertificate: CertificateUse?
    let namespace: Namespace
    let classification: CertificateClassification?

    package var name: String { deployment.name }
    func listeners(_ role: DeploymentListener.Role) -> [DeploymentListener] {
        listeners.filter { $0.role == role }
    }

    /// Every certificate the deployment puts in front of a client or node, once each.
    var certificatesInUse: [CertificateUse] {
        var seen: Set<String> = []
        var uses: [CertificateUse] = []
        for use in [publicCertificate, serviceCertificate, certProxyCertificate, secondaryCertificate].compactMap({ $0 }
        ) where seen.insert(use.path).inserted {
            uses.append(use)
        }
        return uses
    }
}

/// Why a reference could not be followed; becomes CP030 when a check needed it.
struct UnresolvedReference: Sendable, Hashable {
    let location: SourceLocation
    let problem: String
    /// The logical owner, e.g. `deployment access-prod / public certificate`.
    let subject: String
}

/// A certificate a deployment uses whose key certlint cannot accept (CP022); the checks that
/// need its names did not run.
struct WeakCertificate: Sendable, Hashable {
    let location: SourceLocation
    let path: String
    let certificate: UnusableCertificate
    let subject: String
}

/// Everything the scan learned, linked.
package struct Topology: Sendable {
    package let deployments: [DeploymentTopology]
    /// Every listener of every LB configuration, deployment or not.
    let listeners: [Listener]
    let unresolved: [UnresolvedReference]
    let unusableCertificates: [WeakCertificate]
    /// Deployments the load-balancer configurations suggest but cannot complete (no certlint.yaml).
    var incompleteDiscoveries: [DeploymentDiscovery.Incomplete] = []
    /// Every certificate or key file read.
    let certificateFiles: [CertificateFile]
    /// What resolving wants the user to know (a declaration standing in for a platform certificate).
    var notes: [ScanNote] = []
}
