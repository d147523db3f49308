import CertLint
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// An L7 connection: TLS terminated with the stage's certificate, each HTTP request sent on to a
/// node (over TLS with the pinned service certificate for re-encryption, in clear for offload)
/// with X-Forwarded-For and RemotePort inserted when the LB configuration inserts them.
final class ReencryptingConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: ConnectionState
    private let selector: BackendSelector
    private let limits: StageLimits
    private var context: ChannelHandlerContext?
    private var lifecycle = Lifecycle.handshaking(waiting: [])

    /// The connection's lifecycle. `readHeld` is a client read held back while its requests
    /// cannot move on (no node yet and many waiting, or the node is slow), resumed when they can.
    private enum Lifecycle {
        /// The client's TLS handshake is under way.
        case handshaking(waiting: [HTTPServerRequestPart])
        /// The handshake is done and a node is being reached; requests wait.
        case connecting(waiting: [HTTPServerRequestPart], readHeld: Bool)
        /// Joined to a node: requests go on, responses come back.
        case joined(node: any Channel, readHeld: Bool)
        /// No node takes the requests: the client had a 502, or is gone.
        case failed

        var node: (any Channel)? {
            if case .joined(let node, _) = self { return node }
            return nil
        }
    }

    /// The TLS client context towards the nodes; its verification is replaced per connection by the pin.
    private let nodeContext: NIOSSLContext

    init(state: ConnectionState, selector: BackendSelector, limits: StageLimits, nodeContext: NIOSSLContext) {
        self.nodeContext = nodeContext
        self.state = state
        self.selector = selector
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: Client side

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent, case .handshaking(let waiting) = lifecycle {
            lifecycle = .connecting(waiting: waiting, readHeld: false)
            connect(selector.order(client: context.channel.remoteAddress)[...])
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(let head) = part {
            part = .head(inserted(head, client: context.channel.remoteAddress))
        }
        switch lifecycle {
        case .handshaking(let waiting): lifecycle = .handshaking(waiting: waiting + [part])
        case .connecting(let waiting, let readHeld):
            lifecycle = .connecting(waiting: waiting + [part], readHeld: readHeld)
        case .joined(let node, _): node.write(Self.clientPart(part), promise: nil)
        case .failed: break
        }
    }

    /// The request head as the node receives it: with the headers the LB configuration inserts.
    private func inserted(_ head: HTTPRequestHead, client address: SocketAddress?) -> HTTPRequestHead {
        var head = head
        state.record.requests += 1
        if state.listener.insertsForwardedFor {
            let client = address?.ipAddress ?? "unknown"
            let previous = head.headers["X-Forwarded-For"].joined(separator: ", ")
            head.headers.replaceOrAdd(
                name: "X-Forwarded-For", value: previous.isEmpty ? client : "\(previous), \(client)")
        } else {
            state.requestsWithoutForwardedFor += 1
        }
        if state.listener.insertsRemotePort {
            head.headers.replaceOrAdd(name: "RemotePort", value: String(address?.port ?? 0))
        } else {
            state.requestsWithoutRemotePort += 1
        }
        return head
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        lifecycle.node?.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        // Hold the client while its requests cannot move on: no node yet, or the node is slow.
        switch lifecycle {
        case .joined(let node, _) where !node.isWritable:
            lifecycle = .joined(node: node, readHeld: true)
        case .connecting(let waiting, _) where waiting.count >= 64:
            lifecycle = .connecting(waiting: waiting, readHeld: true)
        default:
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let node = lifecycle.node { node.read() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        lifecycle.node?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .handshaking = lifecycle {
            let failure = LiveProbeFailure.classify(error, timeout: .seconds(0))
            state.close(failure.kind == .notTLS ? .clientNotTLS : .clientHandshakeFailed, failure.detail)
        } else {
            state.close(.clientReset, "\(error)")
        }
        context.close(promise: nil)
    }

    // MARK: Node side

    private func connect(_ backends: ArraySlice<PlannedBackend>) {
        guard let context, let backend = backends.first else {
            let tried = state.failures.map { "\($0.0.endpoint): \($0.1)" }.joined(separator: "; ")
            state.close(.backendUnreachable, tried)
            badGateway("no node could be reached: \(tried)")
            return
        }
        let loop = context.eventLoop
        let state = self.state
        let limits = self.limits
        let pinned = state.listener.pinned
        let usesTLS = state.listener.mode == .reencrypt
        let handler = NodeResponseHandler(connection: self)
        // The node's channel runs on the client's event loop: one connection, one loop.
        let bound = NIOLoopBound((state: state, handler: handler), eventLoop: loop)
        let nodeContext = self.nodeContext
        ClientBootstrap(group: loop)
            .connectTimeout(limits.connectTimeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (state, handler) = bound.value
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(allTimeout: limits.idleTimeout.timeAmount))
                    try sync.addHandler(IdleCloser(state))
                    if usesTLS {
                        let sni = LiveProbeFailure.isIPAddress(backend.endpoint.host) ? nil : backend.endpoint.host
                        let tls = try NIOSSLClientHandler(context: nodeContext, serverHostname: sni) {
                            certificates, verdict in
                            verdict.succeed(
                                Self.judge(certificates, pinned: pinned, state: state) ? .certificateVerified : .failed)
                        }
                        try sync.addHandler(tls)
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(handler)
                }
            }
            .connect(host: backend.endpoint.address, port: backend.endpoint.connectPort)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    joined(channel, backend: backend)
                case .failure(let error):
                    guard self.context?.channel.isActive == true else { return }
                    state.failures.append(
                        (
                            backend,
                            LiveProbeFailure.classify(error, timeout: limits.connectTimeout.timeAmount).description
                        ))
                    connect(backends.dropFirst())
                }
            }
    }

    /// The node is reached: the waiting requests go to it, and a held client read resumes.
    private func joined(_ node: any Channel, backend: PlannedBackend) {
        // The client may have gone while the node was reached.
        guard let context, context.channel.isActive, case .connecting(let waiting, let readHeld) = lifecycle else {
            node.close(promise: nil)
            return
        }
        state.backend = backend
        state.record.backend = backend.endpoint.description
        lifecycle = .joined(node: node, readHeld: false)
        for part in waiting { node.write(Self.clientPart(part), promise: nil) }
        node.flush()
        if readHeld { context.read() }
    }

    /// Whether the node's certificate is the pinned one; records what it presented either way.
    private static func judge(_ certificates: [NIOSSLCertificate], pinned: CertificateUse?, state: ConnectionState)
        -> Bool
    {
        guard let first = certificates.first, let der = try? first.toDERBytes(),
            let leaf = try? CertificateInfo(derEncoded: der, location: .file("(presented)"))
        else {
            state.record.verdict = "refused: the node presented no readable certificate"
            state.close(.pinMismatch, "the node presented no readable certificate")
            return false
        }
        state.presented = leaf
        state.record.backendCertificateSHA256 = leaf.sha256
        state.record.backendCertificate = leaf.summary
        guard let pinned else {
            state.record.verdict =
                "not verified: the load-balancer configuration does not verify the node's certificate"
            return true
        }
        guard let expected = pinned.leaf else {
            state.record.verdict =
                "not verified: the service certificate \(pinned.path) has no readable certificate to pin"
            return true
        }
        if expected.sha256 == leaf.sha256 {
            state.record.verdict = "pinned service certificate \(pinned.path) presented"
            return true
        }
        state.record.verdict =
            "refused: \(leaf.summary) (\(leaf.shortFingerprint)) is not the pinned \(pinned.path) (\(expected.shortFingerprint))"
        state.close(.pinMismatch, state.record.verdict)
        return false
    }

    /// A 502 to the client, then close: the load balancer's answer when no node takes the request.
    private func badGateway(_ reason: String) {
        let answerable: Bool
        if case .handshaking = lifecycle { answerable = false } else { answerable = true }
        lifecycle = .failed
        guard let context, answerable else { return }
        let body = context.channel.allocator.buffer(string: "certlint staging proxy: \(reason)\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badGateway, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    fileprivate func nodeSent(_ part: HTTPClientResponsePart) {
        guard let context else { return }
        switch part {
        case .head(let head): context.write(wrapOutboundOut(.head(head)), promise: nil)
        case .body(let body): context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .end(let trailers): context.write(wrapOutboundOut(.end(trailers)), promise: nil)
        }
    }

    fileprivate func nodeReadComplete() { context?.flush() }

    /// The node may read more while the client can take it.
    fileprivate var clientWritable: Bool { context?.channel.isWritable ?? false }

    fileprivate func nodeClosed(error: (any Error)?) {
        guard let context else { return }
        if state.record.closeReason == .pinMismatch {
            badGateway(state.record.detail ?? "the node's certificate is not the pinned one")
            return
        }
        if let error { state.close(.backendReset, "\(error)") }
        context.flush()
        context.close(promise: nil)
    }

    /// The node can take more: read from the client again if it was held.
    fileprivate func nodeBecameWritable() {
        if case .joined(let node, readHeld: true) = lifecycle {
            lifecycle = .joined(node: node, readHeld: false)
            context?.read()
        }
    }

    private static func clientPart(_ part: HTTPServerRequestPart) -> HTTPClientRequestPart {
        switch part {
        case .head(let head): return .head(head)
        case .body(let body): return .body(.byteBuffer(body))
        case .end(let trailers): return .end(trailers)
        }
    }
}

/// The node's side of an L7 connection: hands responses to the client's handler.
private final class NodeResponseHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart
    private let connection: ReencryptingConnection
    private var error: (any Error)?

    init(connection: ReencryptingConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { connection.nodeSent(unwrapInboundIn(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { connection.nodeReadComplete() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.error = error
        context.close(promise: nil)
    }
    func channelInactive(context: ChannelHandlerContext) {
        connection.nodeClosed(error: error)
        context.fireChannelInactive()
    }
    func read(context: ChannelHandlerContext) {
        if connection.clientWritable { context.read() }
    }
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection.nodeBecameWritable() }
        context.fireChannelWritabilityChanged()
    }
}

@available(*, unavailable)
extension ReencryptingConnection: Sendable {}

@available(*, unavailable)
extension NodeResponseHandler: Sendable {}
