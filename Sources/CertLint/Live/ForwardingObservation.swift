/// What the staging proxy saw forwarding one listener to one backend, summed over connections.
public struct ForwardingObservation: Sendable, Hashable {
    public let role: DeploymentListener.Role
    /// The load-balancer listener the proxy reproduced.
    public let listener: Listener
    public let backend: LiveEndpoint
    /// The pool member's line.
    public let backendLocation: SourceLocation
    public var connections = 0
    /// Failures to reach the backend, by description, with how many connections each cost.
    public var failures: [String: Int] = [:]
    /// Connections refused because the backend presented another certificate than the pinned one.
    public var pinMismatches = 0
    public var presentedInsteadOfPinned: CertificateInfo?
    /// HTTP requests forwarded (re-encryption and offload listeners), and those sent on without
    /// the headers the cert proxy needs because the LB configuration does not insert them.
    public var requests = 0
    public var requestsWithoutForwardedFor = 0
    public var requestsWithoutRemotePort = 0

    public init(
        role: DeploymentListener.Role, listener: Listener, backend: LiveEndpoint, backendLocation: SourceLocation
    ) {
        self.role = role
        self.listener = listener
        self.backend = backend
        self.backendLocation = backendLocation
    }
}
