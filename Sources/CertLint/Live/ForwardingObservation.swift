/// What the staging proxy saw forwarding one listener to one backend, summed over connections.
package struct ForwardingObservation: Sendable, Hashable {
    let role: DeploymentListener.Role
    /// The load-balancer listener the proxy reproduced.
    package let listener: Listener
    package let backend: LiveEndpoint
    /// The pool member's line.
    let backendLocation: SourceLocation
    package var connections = 0
    /// Failures to reach the backend, by description, with how many connections each cost.
    package var failures: [String: Int] = [:]
    /// Connections refused because the backend presented another certificate than the pinned one.
    package var pinMismatches = 0
    package var presentedInsteadOfPinned: CertificateInfo?
    /// HTTP requests forwarded (re-encryption and offload listeners), and those sent on without
    /// the headers the cert proxy needs because the LB configuration does not insert them.
    package var requests = 0
    package var requestsWithoutForwardedFor = 0
    package var requestsWithoutRemotePort = 0

    package init(
        role: DeploymentListener.Role, listener: Listener, backend: LiveEndpoint, backendLocation: SourceLocation
    ) {
        self.role = role
        self.listener = listener
        self.backend = backend
        self.backendLocation = backendLocation
    }
}
