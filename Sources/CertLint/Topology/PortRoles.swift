/// Which role a port plays for a deployment, decided in one place: 443 is the Access service,
/// then the cert proxy port (`cert-proxy.port`, 5262 by default), then the secondary port
/// (`cert-proxy.secondary-port`, 5263 by default).
extension Deployment {
    /// The deployment's ports in the order their roles are decided.
    package var rolePorts: [(port: Int, role: DeploymentListener.Role)] {
        [(443, .service), (certProxy.effectivePort, .certProxy), (certProxy.effectiveSecondaryPort, .secondary)]
    }

    /// The role of a port; nil for a port the deployment does not use.
    func role(ofPort port: Int) -> DeploymentListener.Role? {
        rolePorts.first { $0.port == port }?.role
    }
}

extension CertProxy {
    /// `secondary-port`, or 5263.
    var effectiveSecondaryPort: Int { secondaryPort?.value ?? 5263 }
}
