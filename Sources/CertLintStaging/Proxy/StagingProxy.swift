import CertLint
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// The staging forwarding proxy: one server channel per planned listener. Started, stopped and
/// read from one task; the connections live on the event loops (see `Acceptor`).
package final class StagingProxy {
    package let plan: ProxyPlan
    package let log: ConnectionLog
    private let group: any EventLoopGroup
    private let acceptor: Acceptor
    private var servers: [(PlannedListener, any Channel)] = []

    /// Reads the terminating certificate and key (never from the repository: the plan checked that).
    package init(
        plan: ProxyPlan, group: any EventLoopGroup, report: OutputFile? = nil,
        knownCertificates: [LiveEndpoint: CertificateInfo] = [:]
    ) throws {
        self.plan = plan
        self.group = group
        log = try ConnectionLog(maxConnections: plan.limits.maxConnections, report: report)
        let serverContext: NIOSSLContext?
        if let certificatePath = plan.terminateCertificate, let keyPath = plan.terminateKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
                let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
                let configuration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
                serverContext = try NIOSSLContext(configuration: configuration)
            } catch {
                throw StagingError.proxy(
                    "terminate.certificate \(certificatePath) and terminate.key \(keyPath) cannot be used (\(error)). Give a PEM certificate chain, leaf first, and its unencrypted PEM key"
                )
            }
        } else {
            serverContext = nil
        }
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .noHostnameVerification
        client.trustRoots = .certificates([])
        acceptor = Acceptor(
            plan: plan, log: log, serverContext: serverContext, nodeContext: try NIOSSLContext(configuration: client),
            knownCertificates: knownCertificates)
    }

    /// Binds every listener. Returns the LB port → the port really bound (0 in the stage file binds a free one).
    @discardableResult
    package func start() async throws -> [Int: Int] {
        var bound: [Int: Int] = [:]
        for listener in plan.listeners {
            let selector = BackendSelector(listener)
            let bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: listener.mode == .passthrough)
                .childChannelInitializer { [acceptor] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try acceptor.accept(channel, listener: listener, selector: selector)
                    }
                }
            do {
                let channel = try await bootstrap.bind(host: listener.bindAddress, port: listener.bindPort).get()
                servers.append((listener, channel))
                bound[listener.listener.port] = channel.localAddress?.port ?? listener.bindPort
            } catch {
                await stopListening()
                let hint =
                    listener.bindPort < 1024 && listener.bindPort > 0
                    ? " Ports under 1024 need privileges; map it with `listen: { ports: { \(listener.bindPort): 8\(listener.bindPort) } }` in the stage file"
                    : " Is another process listening there?"
                throw StagingError.proxy(
                    "cannot listen on \(LiveEndpoint.join(listener.bindAddress, listener.bindPort)) for listener \(listener.name): \(error).\(hint)"
                )
            }
        }
        return bound
    }

    /// LB port → bound port of the running listeners.
    package var boundPorts: [Int: Int] {
        Dictionary(
            servers.map { ($0.0.listener.port, $0.1.localAddress?.port ?? $0.0.bindPort) },
            uniquingKeysWith: { a, _ in a })
    }

    /// Stops accepting, lets open connections finish for the drain timeout, then closes the rest.
    package func shutdown() async {
        await stopListening()
        let deadline = ContinuousClock.now + plan.limits.drainTimeout
        while log.activeCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for (channel, connection) in log.active {
            try? await channel.eventLoop.submit {
                connection.value.close(.drained, "still open when the drain timeout (limits.drain-timeout) ran out")
            }.get()
            try? await channel.close().get()
        }
        for _ in 0..<100 where log.activeCount > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        log.close()
    }

    private func stopListening() async {
        for (_, channel) in servers { try? await channel.close().get() }
        servers = []
    }
}

/// What every new connection needs, shared by the event loops.
struct Acceptor: Sendable {
    let plan: ProxyPlan
    let log: ConnectionLog
    let serverContext: NIOSSLContext?
    /// TLS towards the nodes of re-encryption listeners (the pin replaces its verification).
    let nodeContext: NIOSSLContext
    /// What each node presented when the proxy started (passthrough records name it).
    let knownCertificates: [LiveEndpoint: CertificateInfo]

    /// On the new channel's event loop: admits it under the limit and builds its pipeline.
    func accept(_ channel: any Channel, listener: PlannedListener, selector: BackendSelector) throws {
        let record = ConnectionRecord(
            id: 0, started: Date(), listenerPort: listener.listener.port, mode: listener.mode.rawValue,
            client: channel.remoteAddress.map { LiveEndpoint.join($0.ipAddress ?? "?", $0.port ?? 0) } ?? "?")
        let state = ConnectionState(record: record, listener: listener)
        guard let id = log.admit(channel, state) else {
            state.record.id = log.refusedID()
            state.close(.connectionLimit, "\(plan.limits.maxConnections) connections are open (limits.max-connections)")
            log.finish(state, id: nil)
            channel.close(promise: nil)
            return
        }
        state.record.id = id
        channel.closeFuture.assumeIsolated().whenComplete { [log] _ in log.finish(state, id: id) }
        let sync = channel.pipeline.syncOperations
        let deadline = HandshakeDeadline(state, timeout: plan.limits.handshakeTimeout.timeAmount)
        try sync.addHandlers(
            ByteCounter(state), IdleStateHandler(allTimeout: plan.limits.idleTimeout.timeAmount), IdleCloser(state),
            deadline)
        switch listener.mode {
        case .passthrough:
            let connection = PassthroughConnection(
                state: state, selector: selector, client: channel, limits: plan.limits, deadline: deadline,
                knownCertificates: knownCertificates)
            try sync.addHandlers(connection.handlers())
        case .reencrypt, .offload:
            guard let serverContext else {
                throw StagingError.proxy("listener \(listener.name) terminates TLS but no certificate was loaded")
            }
            try sync.addHandler(NIOSSLServerHandler(context: serverContext))
            try sync.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
            try sync.addHandler(
                ReencryptingConnection(state: state, selector: selector, limits: plan.limits, nodeContext: nodeContext))
        }
    }
}
