import CertLint
import NIOCore
import NIOPosix

/// An L4 passthrough connection: reads the SNI of the ClientHello without answering it, picks a
/// node, and then joins client and node byte for byte.
final class PassthroughConnection {
    private let state: ConnectionState
    private let selector: BackendSelector
    private let client: any Channel
    private let limits: StageLimits
    private let deadline: HandshakeDeadline
    private let knownCertificates: [LiveEndpoint: CertificateInfo]
    let clientGlue: GlueHandler
    private let backendGlue: GlueHandler

    init(
        state: ConnectionState, selector: BackendSelector, client: any Channel, limits: StageLimits,
        deadline: HandshakeDeadline, knownCertificates: [LiveEndpoint: CertificateInfo]
    ) {
        self.state = state
        self.selector = selector
        self.client = client
        self.limits = limits
        self.deadline = deadline
        self.knownCertificates = knownCertificates
        (clientGlue, backendGlue) = GlueHandler.matchedPair(
            onClientError: { [state] error in state.close(.clientReset, "\(error)") },
            onBackendError: { [state] error in state.close(.backendReset, "\(error)") })
    }

    /// The handlers of the client's pipeline, in order.
    func handlers() -> [any ChannelHandler] {
        [ClientHelloPeek { [self] name, tls in self.peeked(name, tls: tls) }, clientGlue]
    }

    private func peeked(_ serverName: String?, tls: Bool) -> EventLoopFuture<Void> {
        deadline.met()
        state.record.sni = serverName
        if !tls { state.record.detail = "the client did not start with a TLS ClientHello; forwarded as it is" }
        return connect(selector.order(client: client.remoteAddress)[...])
    }

    /// Tries the chosen node, then the others, as a load balancer's retry does.
    private func connect(_ backends: ArraySlice<PlannedBackend>) -> EventLoopFuture<Void> {
        guard let backend = backends.first else {
            let tried = state.failures.map { "\($0.0.endpoint): \($0.1)" }.joined(separator: "; ")
            state.close(.backendUnreachable, tried)
            client.close(promise: nil)
            return client.eventLoop.makeFailedFuture(LiveFailure(.refused, tried))
        }
        let glue = backendGlue
        let idle = limits.idleTimeout
        let state = self.state
        // The node's channel runs on the client's event loop: one connection, one loop.
        let boundState = NIOLoopBound(state, eventLoop: client.eventLoop)
        return ClientBootstrap(group: client.eventLoop)
            .connectTimeout(limits.connectTimeout.timeAmount)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        IdleStateHandler(allTimeout: idle.timeAmount), IdleCloser(boundState.value))
                }
            }
            .connect(host: backend.endpoint.address, port: backend.endpoint.connectPort)
            .assumeIsolated()
            .flatMapThrowing { [self] channel in
                // The client may have gone while the node was reached.
                guard client.isActive else {
                    channel.close(promise: nil)
                    throw ChannelError.ioOnClosedChannel
                }
                // Joined only now: a failed attempt must not take the glue with it. Nothing is
                // read from the node before this runs (same event loop, same tick as the connect).
                try channel.pipeline.syncOperations.addHandler(glue)
                state.backend = backend
                state.record.backend = backend.endpoint.description
                if let known = knownCertificates[backend.endpoint] {
                    state.record.backendCertificateSHA256 = known.sha256
                    state.record.backendCertificate = known.summary
                }
                state.record.verdict = "not terminated (passthrough); the certificate is the node's as probed at start"
            }
            .flatMapError { [self] error in
                guard client.isActive else { return client.eventLoop.makeFailedFuture(error) }
                state.failures.append(
                    (backend, LiveProbeFailure.classify(error, timeout: limits.connectTimeout.timeAmount).description))
                return self.connect(backends.dropFirst())
            }
            .nonisolated()
    }
}

@available(*, unavailable)
extension PassthroughConnection: Sendable {}
