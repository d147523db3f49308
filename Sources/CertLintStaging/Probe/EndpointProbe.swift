import CertLint
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Connects to endpoints and reads the certificate chain each presents, also when it would not
/// verify: certlint judges trust itself, against the repository's trust settings.
package struct EndpointProbe: Sendable {
    package let group: any EventLoopGroup
    package let timeout: TimeAmount

    package init(group: any EventLoopGroup, timeout: TimeAmount = .seconds(5)) {
        self.group = group
        self.timeout = timeout
    }

    /// Every endpoint at once; the observations come back in the endpoints' order.
    package func observe(_ endpoints: [LiveEndpoint]) async -> [LiveObservation] {
        await withTaskGroup(of: (Int, LiveObservation).self) { tasks in
            for (index, endpoint) in endpoints.enumerated() {
                tasks.addTask { (index, await observe(endpoint)) }
            }
            var results = [LiveObservation?](repeating: nil, count: endpoints.count)
            for await (index, observation) in tasks { results[index] = observation }
            return results.compactMap { $0 }
        }
    }

    package func observe(_ endpoint: LiveEndpoint) async -> LiveObservation {
        let outcome: LiveObservation.Outcome
        do {
            outcome = .presented(try await presentedChain(endpoint).get())
        } catch let failure as LiveFailure {
            outcome = .failed(failure)
        } catch {
            outcome = .failed(LiveProbeFailure.classify(error, timeout: timeout))
        }
        return LiveObservation(endpoint: endpoint, outcome: outcome)
    }

    private func presentedChain(_ endpoint: LiveEndpoint) -> EventLoopFuture<[CertificateInfo]> {
        let loop = group.next()
        let result = loop.makePromise(of: [CertificateInfo].self)
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The callback below replaces verification; the chain is judged by certlint's rules.
        configuration.certificateVerification = .noHostnameVerification
        // A probe has what it came for once the chain is read: do not hold the socket for a
        // peer that never answers close_notify.
        configuration.shutdownTimeout = .milliseconds(500)
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            result.fail(error)
            return result.futureResult
        }
        let sni = LiveProbeFailure.isIPAddress(endpoint.host) ? nil : endpoint.host
        let timeout = self.timeout
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let captured = ChainCapture(promise: result)
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: sni) {
                        certificates, verification in
                        captured.capture(certificates)
                        verification.succeed(.certificateVerified)
                    }
                    try channel.pipeline.syncOperations.addHandlers(tls, captured)
                }
            }
        bootstrap.connect(host: endpoint.address, port: endpoint.connectPort).whenComplete { connected in
            switch connected {
            case .failure(let error):
                result.fail(error)
            case .success(let channel):
                let deadline = loop.scheduleTask(in: timeout) {
                    result.fail(LiveFailure(.timeout, "\(timeout.nanoseconds / 1_000_000_000) s (TLS handshake)"))
                    channel.close(promise: nil)
                }
                result.futureResult.whenComplete { _ in
                    deadline.cancel()
                    channel.close(promise: nil)
                }
            }
        }
        return result.futureResult
    }
}

/// Keeps the chain the verification callback saw and completes the probe on handshake end or failure.
private final class ChainCapture: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<[CertificateInfo]>
    private var chain: [CertificateInfo]?
    private var problem: (any Error)?

    init(promise: EventLoopPromise<[CertificateInfo]>) { self.promise = promise }

    func capture(_ certificates: [NIOSSLCertificate]) {
        do {
            chain = try certificates.map {
                try CertificateInfo(derEncoded: try $0.toDERBytes(), location: .file("(presented)"))
            }
        } catch {
            problem = error
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { finish(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(LiveFailure(.handshake, "the connection closed before the handshake completed"))
    }

    /// A server that asks for a client certificate (the cert proxy) may end the handshake after
    /// it sent its chain: the chain counts.
    private func finish(_ error: (any Error)?) {
        if let chain {
            promise.succeed(chain)
        } else if let problem {
            promise.fail(LiveFailure(.handshake, "the presented certificate cannot be read: \(problem)"))
        } else {
            promise.fail(error ?? LiveFailure(.handshake, "no certificate was presented"))
        }
    }
}

/// Turns NIO's and BoringSSL's errors into the words of a finding.
enum LiveProbeFailure {
    static func classify(_ error: any Error, timeout: TimeAmount) -> LiveFailure {
        if let failure = error as? LiveFailure { return failure }
        if let connect = error as? NIOConnectionError {
            if connect.connectionErrors.isEmpty {
                return LiveFailure(.unresolved, "\(connect.host) has no address")
            }
            let first = connect.connectionErrors[0].error
            return classify(first, timeout: timeout)
        }
        if let io = error as? IOError {
            if io.errnoCode == ECONNREFUSED { return LiveFailure(.refused, "connection refused") }
            if io.errnoCode == ETIMEDOUT { return LiveFailure(.timeout, "\(timeout.nanoseconds / 1_000_000_000) s") }
            return LiveFailure(.refused, io.description)
        }
        if case ChannelError.connectTimeout = error {
            return LiveFailure(.timeout, "\(timeout.nanoseconds / 1_000_000_000) s (connect)")
        }
        if let ssl = error as? NIOSSLError {
            let text = "\(ssl)"
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST")
                || text.contains("PACKET_LENGTH_TOO_LONG")
            {
                return LiveFailure(.notTLS, "the answer is not a TLS record")
            }
            if case .uncleanShutdown = ssl {
                return LiveFailure(.handshake, "the server closed the connection during the handshake")
            }
            return LiveFailure(.handshake, text)
        }
        return LiveFailure(.handshake, "\(error)")
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

@available(*, unavailable)
extension ChainCapture: Sendable {}
