/// How the load balancer handles 443 for a deployment.
public enum LoadBalancerMode: String, Sendable, Hashable, Codable {
    /// TLS terminated on the LB and opened anew to the nodes (Layer 7 "SSL re-encryption").
    case reencrypt
    /// TCP forwarded untouched (Layer 4 "SSL passthrough").
    case passthrough

    public var matrixName: String { self == .reencrypt ? "SSL re-encryption" : "SSL passthrough" }
}

/// A path as written in a configuration file, resolved later against the repository.
public struct FileReference: Sendable, Hashable {
    public let path: String
    public let location: SourceLocation
    /// The directory (repository-relative) of the file that holds the reference.
    public let baseDirectory: String
    public init(path: String, location: SourceLocation, baseDirectory: String) {
        self.path = path
        self.location = location
        self.baseDirectory = baseDirectory
    }
}

/// A certificate issued and held by a provider (AWS Certificate Manager): its names are in the
/// configuration, its key never is. Publicly trusted, renewed by the provider.
public struct IssuedCertificate: Sendable, Hashable {
    public let names: [String]
    public let issuer: String
    /// The configuration's name for it (`aws_acm_certificate.access`).
    public let identity: String
    /// Where it is declared (the resource).
    public let location: SourceLocation
    /// Where the listener names it (`certificate_arn = …`).
    public let referencedAt: SourceLocation
}

/// What a listener or manifest names as its certificate.
public enum CertificateReference: Sendable, Hashable {
    /// A file in the repository (a path as written, resolved later).
    case file(FileReference)
    /// A provider-issued certificate declared in the configuration.
    case issued(IssuedCertificate)
    /// A certificate carried inside a configuration (a Kubernetes TLS Secret), already read.
    case embedded(CertificateFile, referencedAt: SourceLocation)
    /// Something certlint cannot read (an ARN of a certificate defined elsewhere, an unknown value).
    case unreadable(description: String, location: SourceLocation, problem: String)

    public var location: SourceLocation {
        switch self {
        case .file(let reference): return reference.location
        case .issued(let certificate): return certificate.referencedAt
        case .embedded(_, let location): return location
        case .unreadable(_, let location, _): return location
        }
    }
}

/// One backend server of a pool.
public struct PoolMember: Sendable, Hashable {
    public let name: String
    public let host: String
    /// nil when the configuration leaves it to the listener's port.
    public let port: Int?
    public let location: SourceLocation
    /// The LB opens TLS to this member.
    public let usesTLS: Bool
    public let verifiesCertificate: Bool
    public let caFile: FileReference?
}

/// How a pool spreads connections over its members.
public enum Balance: String, Sendable, Hashable {
    /// Each new connection to the next member (the default of every platform certlint reads).
    case roundRobin = "round-robin"
    /// The client's address picks the member (HAProxy `balance source`, NGINX `ip_hash`).
    case sourceHash = "source-hash"
}

/// A group of backend servers and what the LB does on the way to them.
public struct Pool: Sendable, Hashable {
    public let name: String
    public let location: SourceLocation
    public let members: [PoolMember]
    public let healthCheckPath: String?
    /// Where the header is inserted with the client's address (port), on the way to this pool.
    public var forwardedForHeader: SourceLocation?
    public var remotePortHeader: SourceLocation?
    /// Read from HAProxy and NGINX; the other platforms' persistence settings are not read.
    public var balance: Balance = .roundRobin
    /// The pool's own layer where the platform gives backends one (HAProxy `mode` in a backend):
    /// an HTTP backend behind a TCP frontend makes the connection HTTP.
    public var layer: Layer?
}

/// A backend a listener forwards to: found in the same configuration, or only named.
public enum BackendReference: Sendable, Hashable {
    case pool(Pool)
    case missing(name: String, location: SourceLocation)
}

/// Whether a listener works on TCP or on HTTP.
public enum Layer: String, Sendable, Hashable {
    case l4 = "L4 TCP"
    case l7 = "L7 HTTP"
}

/// One port of a load-balancer listener, as a configuration declares it.
public struct Listener: Sendable, Hashable {
    /// The configuration's own name for it (`frontend fe_access`).
    public let name: String
    /// The load balancer's configuration file.
    public let file: String
    public let port: Int
    /// The line that opens the port (`bind :5262`).
    public let location: SourceLocation
    public let sectionLocation: SourceLocation
    public let layer: Layer
    /// Where the layer was decided (`mode http`), when it was written.
    public let layerLocation: SourceLocation?
    public let terminatesTLS: Bool
    public let certificates: [CertificateReference]
    public let backends: [BackendReference]
    public let forwardedForHeader: SourceLocation?
    public let remotePortHeader: SourceLocation?
    /// Facts the configuration leaves unknown (a protocol from a variable without a value): the
    /// checks that need them do not run, and CP031 says so.
    public var unknowns: [String] = []
    /// For a name-based virtual server (NGINX `server_name`): which connections it gets when
    /// other servers share its port.
    public var virtualHost: VirtualHost?

    public var pools: [Pool] {
        backends.compactMap { if case .pool(let pool) = $0 { return pool } else { return nil } }
    }

    /// Where X-Forwarded-For is inserted: by the listener, or on the way to every pool it
    /// forwards to (an HAProxy frontend's backends, an NGINX server's `proxy_pass`es).
    public var insertsForwardedFor: SourceLocation? {
        forwardedForHeader ?? Self.onTheWayToEvery(pools.map(\.forwardedForHeader))
    }
    /// Where RemotePort is inserted, in the same sense.
    public var insertsRemotePort: SourceLocation? {
        remotePortHeader ?? Self.onTheWayToEvery(pools.map(\.remotePortHeader))
    }

    private static func onTheWayToEvery(_ locations: [SourceLocation?]) -> SourceLocation? {
        guard let first = locations.first, locations.allSatisfy({ $0 != nil }) else { return nil }
        return first
    }
    public var members: [PoolMember] { pools.flatMap(\.members) }
}

/// The names a virtual server answers to, among the servers of one context on one port.
public struct VirtualHost: Sendable, Hashable {
    /// The servers that share the port: one configuration context and one port.
    public let group: String
    /// `server_name` values (exact, `*.example.com`, `www.*`, `~regex`).
    public let names: [String]
    /// The port's default server: marked `default_server`, or the first one listening on it.
    public let isDefault: Bool

    public init(group: String, names: [String], isDefault: Bool) {
        self.group = group
        self.names = names
        self.isDefault = isDefault
    }

    /// Whether a host name picks this server (NGINX: exact, leading or trailing wildcard).
    public func answers(_ host: String) -> Bool {
        let host = host.lowercased()
        return names.contains { name in
            let name = name.lowercased()
            if name == host { return true }
            if name.hasPrefix("*.") { return host.hasSuffix(name.dropFirst(1)) }
            if name.hasPrefix(".") { return host == name.dropFirst() || host.hasSuffix(name) }
            if name.hasSuffix(".*") { return host.hasPrefix(name.dropLast(1)) }
            return false
        }
    }
}

/// The cert proxy of a deployment, as `certlint.yaml` declares it.
public struct CertProxy: Sendable, Hashable {
    public let port: Located<Int>?
    public let secondaryPort: Located<Int>?
    public let certificate: FileReference?
    public let secondaryCertificate: FileReference?
    public let location: SourceLocation?

    public var effectivePort: Int { port?.value ?? 5262 }
}

/// A Workspace ONE Access deployment declared in a `certlint.yaml`.
public struct Deployment: Sendable, Hashable {
    public let name: String
    public let manifest: String
    public let location: SourceLocation
    public let vip: Located<String>
    public let nodes: [Located<String>]
    public let lbMode: Located<LoadBalancerMode>?
    public let publicCertificate: FileReference?
    public let serviceCertificate: FileReference?
    public let certProxy: CertProxy
    public let loadBalancerFiles: [FileReference]
}
