/// A certificate a deployment uses, with where the use is declared: a parsed file, or a
/// provider-issued certificate known by its names.
public struct CertificateUse: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case file(CertificateFile)
        case issued(IssuedCertificate)
    }
    /// Where the manifest or LB configuration names it.
    public let referenceLocation: SourceLocation
    public let source: Source

    /// The parsed leaf, for a file.
    public var leaf: CertificateInfo? {
        if case .file(let file) = source { return file.leaf }
        return nil
    }
    public var file: CertificateFile? {
        if case .file(let file) = source { return file }
        return nil
    }
    /// The repository path of the file, or the configuration's name of an issued certificate.
    public var path: String {
        switch source {
        case .file(let file): return file.path
        case .issued(let issued): return issued.identity
        }
    }
    /// Where the certificate itself is: its PEM block, or the resource that declares it.
    public var location: SourceLocation {
        switch source {
        case .file(let file): return file.leaf?.location ?? .file(file.path)
        case .issued(let issued): return issued.location
        }
    }
    /// What compares equal for the same certificate: the DER hash, or the issued identity.
    public var identity: String {
        switch source {
        case .file(let file): return file.leaf?.sha256 ?? file.path
        case .issued(let issued): return issued.identity
        }
    }
    public var dnsNames: [String] {
        switch source {
        case .file(let file): return file.leaf?.dnsNames ?? []
        case .issued(let issued): return issued.names
        }
    }
    public var commonName: String? {
        switch source {
        case .file(let file): return file.leaf?.commonName
        case .issued(let issued): return issued.names.first
        }
    }
    public var summary: String {
        switch source {
        case .file(let file): return file.leaf?.summary ?? "no certificate"
        case .issued(let issued): return "\(issued.issuer), DNS=[\(issued.names.joined(separator: ", "))]"
        }
    }
}

/// How the 443 mode of a deployment was decided.
public struct ModeDecision: Sendable, Hashable {
    public let mode: LoadBalancerMode
    public let location: SourceLocation
    /// True when the LB configuration decided it, false when `lb-mode` did.
    public let fromLoadBalancer: Bool
}

/// A load-balancer listener in the role it plays for a deployment.
public struct DeploymentListener: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case service = "443"
        case certProxy = "cert proxy"
        case secondary = "5263"
    }
    public let role: Role
    public let listener: Listener
    /// Why it belongs to the deployment, for messages.
    public let joinedBy: String
}

/// One Workspace ONE Access deployment with everything the repository says about it, linked.
public struct DeploymentTopology: Sendable {
    public let deployment: Deployment
    public let listeners: [DeploymentListener]
    public let mode: ModeDecision?
    public let publicCertificate: CertificateUse?
    public let serviceCertificate: CertificateUse?
    public let certProxyCertificate: CertificateUse?
    public let secondaryCertificate: CertificateUse?
    public let namespace: Namespace
    public let classification: CertificateClassification?

    public var name: String { deployment.name }
    public func listeners(_ role: DeploymentListener.Role) -> [DeploymentListener] {
        listeners.filter { $0.role == role }
    }

    /// Every certificate the deployment puts in front of a client or node, once each.
    public var certificatesInUse: [CertificateUse] {
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
public struct UnresolvedReference: Sendable, Hashable {
    public let location: SourceLocation
    public let problem: String
    /// The logical owner, e.g. `deployment access-prod / public certificate`.
    public let subject: String
}

/// A certificate a deployment uses whose key certlint cannot accept (CP022); the checks that
/// need its names did not run.
public struct WeakCertificate: Sendable, Hashable {
    public let location: SourceLocation
    public let path: String
    public let certificate: UnusableCertificate
    public let subject: String
}

/// Everything the scan learned, linked.
public struct Topology: Sendable {
    public let deployments: [DeploymentTopology]
    /// Every listener of every LB configuration, deployment or not.
    public let listeners: [Listener]
    public let unresolved: [UnresolvedReference]
    public let unusableCertificates: [WeakCertificate]
    /// Deployments the load-balancer configurations suggest but cannot complete (no certlint.yaml).
    var incompleteDiscoveries: [DeploymentDiscovery.Incomplete] = []
    /// Every certificate or key file read.
    public let certificateFiles: [CertificateFile]
    /// What resolving wants the user to know (a declaration standing in for a platform certificate).
    public var notes: [ScanNote] = []
}
