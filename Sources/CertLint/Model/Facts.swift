/// How the load balancer handles 443 for a deployment.
enum LoadBalancerMode: String, Sendable, Hashable, Codable {
    /// TLS terminated on the LB and opened anew to the nodes (Layer 7 "SSL re-encryption").
    case reencrypt
    /// TCP forwarded untouched (Layer 4 "SSL passthrough").
    case passthrough

    var matrixName: String { self == .reencrypt ? "SSL re-encryption" : "SSL passthrough" }
}

/// A path as written in a configuration file, resolved later against the repository.
struct FileReference: Sendable, Hashable, Codable {
    let path: String
    let location: SourceLocation
    /// The directory (repository-relative) of the file that holds the reference.
    let baseDirectory: String
}

/// A certificate issued and held by a provider (AWS Certificate Manager): its names are in the
/// configuration, its key never is. Publicly trusted, renewed by the provider.
struct IssuedCertificate: Sendable, Hashable, Codable {
    let names: [String]
    let issuer: String
    /// The configuration's name for it (`aws_acm_certificate.access`).
    let identity: String
    /// Where it is declared (the resource).
    let location: SourceLocation
    /// Where the listener names it (`certificate_arn = …`).
    let referencedAt: SourceLocation
}

/// What a listener or manifest names as its certificate.
enum CertificateReference: Sendable, Hashable, Codable {
    /// A file in the repository (a path as written, resolved later).
    case file(FileReference)
    /// A provider-issued certificate declared in the configuration.
    case issued(IssuedCertificate)
    /// A certificate carried inside a configuration (a Kubernetes TLS Secret), already read.
    case embedded(CertificateFile, referencedAt: SourceLocation)
    /// Something certlint cannot read (an ARN of a certificate defined elsewhere, an unknown value).
    case unreadable(description: String, location: SourceLocation, problem: String)

    var location: SourceLocation {
        switch self {
        case .file(let reference): return reference.location
        case .issued(let certificate): return certificate.referencedAt
        case .embedded(_, let location): return location
        case .unreadable(_, let location, _): return location
        }
    }
}

/// One backend server of a pool.
package struct PoolMember: Sendable, Hashable, Codable {
    package let name: String
    package let host: String
    /// nil when the configuration leaves it to the listener's port.
    package let port: Int?
    package let location: SourceLocation
    /// The LB opens TLS to this member.
    package let usesTLS: Bool
    package let verifiesCertificate: Bool
    let caFile: FileReference?
}

/// How a pool spreads connections over its members.
package enum Balance: String, Sendable, Hashable, Codable {
    /// Each new connection to the next member (the default of every platform certlint reads).
    case roundRobin = "round-robin"
    /// The client's address picks the member (HAProxy `balance source`, NGINX `ip_hash`).
    case sourceHash = "source-hash"
}

/// A group of backend servers and what the LB does on the way to them.
package struct Pool: Sendable, Hashable, Codable {
    let name: String
    let location: SourceLocation
    let members: [PoolMember]
    let healthCheckPath: String?
    /// Where the header is inserted with the client's address (port), on the way to this pool.
    var forwardedForHeader: SourceLocation?
    var remotePortHeader: SourceLocation?
    /// Read from HAProxy and NGINX; the other platforms' persistence settings are not read.
    package var balance: Balance = .roundRobin
    /// The pool's own layer where the platform gives backends one (HAProxy `mode` in a backend):
    /// an HTTP backend behind a TCP frontend makes the connection HTTP.
    var layer: Layer?

    init(
        name: String, location: SourceLocation, members: [PoolMember], healthCheckPath: String? = nil,
        forwardedForHeader: SourceLocation? = nil, remotePortHeader: SourceLocation? = nil,
        balance: Balance = .roundRobin, layer: Layer? = nil
    ) {
        self.name = name
        self.location = location
        self.members = members
        self.healthCheckPath = healthCheckPath
        self.forwardedForHeader = forwardedForHeader
        self.remotePortHeader = remotePortHeader
        self.balance = balance
        self.layer = layer
    }
}

/// A backend a listener forwards to: found in the same configuration, or only named.
enum BackendReference: Sendable, Hashable, Codable {
    case pool(Pool)
    case missing(name: String, location: SourceLocation)
}

/// Whether a listener works on TCP or on HTTP.
enum Layer: String, Sendable, Hashable, Codable {
    case l4 = "L4 TCP"
    case l7 = "L7 HTTP"
}

/// One port of a load-balancer listener, as a configuration declares it.
package struct Listener: Sendable, Hashable, Codable {
    /// The configuration's own name for it (`frontend fe_access`).
    package let name: String
    /// The load balancer's configuration file.
    let file: String
    package let port: Int
    /// The line that opens the port (`bind :5262`).
    package let location: SourceLocation
    let sectionLocation: SourceLocation
    let layer: Layer
    /// Where the layer was decided (`mode http`), when it was written.
    let layerLocation: SourceLocation?
    package let terminatesTLS: Bool
    let certificates: [CertificateReference]
    let backends: [BackendReference]
    let forwardedForHeader: SourceLocation?
    let remotePortHeader: SourceLocation?
    /// Facts the configuration leaves unknown (a protocol from a variable without a value): the
    /// checks that need them do not run, and CP031 says so.
    var unknowns: [String] = []
    /// For a name-based virtual server (NGINX `server_name`): which connections it gets when
    /// other servers share its port.
    var virtualHost: VirtualHost?
    /// The TLS versions a terminating listener accepts, where the configuration states them.
    var tlsVersions: [TLSVersion]?

    /// What every extractor states, and the facts a configuration may leave out: no layer
    /// location, certificate, backend or inserted header, nothing unknown.
    init(
        name: String, file: String, port: Int, location: SourceLocation, sectionLocation: SourceLocation,
        layer: Layer, layerLocation: SourceLocation? = nil, terminatesTLS: Bool,
        certificates: [CertificateReference] = [], backends: [BackendReference] = [],
        forwardedForHeader: SourceLocation? = nil, remotePortHeader: SourceLocation? = nil, unknowns: [String] = [],
        virtualHost: VirtualHost? = nil, tlsVersions: [TLSVersion]? = nil
    ) {
        self.name = name
        self.file = file
        self.port = port
        self.location = location
        self.sectionLocation = sectionLocation
        self.layer = layer
        self.layerLocation = layerLocation
        self.terminatesTLS = terminatesTLS
        self.certificates = certificates
        self.backends = backends
        self.forwardedForHeader = forwardedForHeader
        self.remotePortHeader = remotePortHeader
        self.unknowns = unknowns
        self.virtualHost = virtualHost
        self.tlsVersions = tlsVersions
    }

    package var pools: [Pool] {
        backends.compactMap { if case .pool(let pool) = $0 { return pool } else { return nil } }
    }

    /// Where X-Forwarded-For is inserted: by the listener, or on the way to every pool it
    /// forwards to (an HAProxy frontend's backends, an NGINX server's `proxy_pass`es).
    package var insertsForwardedFor: SourceLocation? {
        forwardedForHeader ?? Self.onTheWayToEvery(pools.map(\.forwardedForHeader))
    }
    /// Where RemotePort is inserted, in the same sense.
    package var insertsRemotePort: SourceLocation? {
        remotePortHeader ?? Self.onTheWayToEvery(pools.map(\.remotePortHeader))
    }

    private static func onTheWayToEvery(_ locations: [SourceLocation?]) -> SourceLocation? {
        guard let first = locations.first, locations.allSatisfy({ $0 != nil }) else { return nil }
        return first
    }
    package var members: [PoolMember] { pools.flatMap(\.members) }
}

/// What a listener does with TLS, from its bind and its pools' members.
enum TLSHandling: String, Sendable {
    /// Layer 4, not terminated: the bytes go through.
    case passthrough
    /// Layer 7 without TLS on the bind.
    case plain
    /// Terminated, and TLS again to the nodes.
    case reencrypt = "re-encrypt"
    /// Terminated, and plain to the nodes.
    case offload

    /// In the words of a drawing.
    var phrase: String {
        switch self {
        case .passthrough: return "TCP passthrough"
        case .plain: return "plain HTTP"
        case .reencrypt: return "TLS terminated, re-encrypted"
        case .offload: return "TLS terminated (offload)"
        }
    }
}

extension Listener {
    var tlsHandling: TLSHandling {
        if !terminatesTLS { return layer == .l7 ? .plain : .passthrough }
        return members.contains(where: \.usesTLS) ? .reencrypt : .offload
    }
}

/// The names a virtual server answers to, among the servers of one context on one port.
struct VirtualHost: Sendable, Hashable, Codable {
    /// The servers that share the port: one configuration context and one port.
    let group: String
    /// `server_name` values (exact, `*.example.com`, `www.*`, `~regex`).
    let names: [String]
    /// The port's default server: marked `default_server`, or the first one listening on it.
    let isDefault: Bool

    /// Whether a host name picks this server (NGINX: exact, leading or trailing wildcard).
    func answers(_ host: String) -> Bool {
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
package struct CertProxy: Sendable, Hashable, Codable {
    let port: Located<Int>?
    package let secondaryPort: Located<Int>?
    let certificate: FileReference?
    let secondaryCertificate: FileReference?
    let location: SourceLocation?

    package var effectivePort: Int { port?.value ?? 5262 }
}

/// A Workspace ONE Access deployment declared in a `certlint.yaml`.
package struct Deployment: Sendable, Hashable, Codable {
    let name: String
    package let manifest: String
    let location: SourceLocation
    package let vip: Located<String>
    package let nodes: [Located<String>]
    let lbMode: Located<LoadBalancerMode>?
    let publicCertificate: FileReference?
    let serviceCertificate: FileReference?
    package let certProxy: CertProxy
    let loadBalancerFiles: [FileReference]
}
