import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import X509

/// What a test client got back from one connection.
struct ClientExchange: Sendable {
    /// The chain the server presented (TLS clients only).
    var presented: [Certificate] = []
    var received: [UInt8] = []
    /// Whether the server closed the connection (as opposed to the test giving up).
    var closedByPeer = false
}

/// Clients for loopback tests: TLS or plain TCP, sending bytes and collecting the answer.
enum TestClient {
    /// Connects (TLS when `sni` is given or `tls` is true), sends `payload`, optionally half-closes,
    /// and reads until `expect` bytes arrived, the peer closed, or `timeout` passed.
    static func exchange(
        port: Int, tls: Bool, sni: String? = nil, payload: [UInt8], halfClose: Bool = false, expect: Int? = nil,
        timeout: TimeAmount = .seconds(10), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ClientExchange {
        let loop = group.next()
        let done = loop.makePromise(of: ClientExchange.self)
        let collector = Collector(
            expect: expect, payload: payload, halfClose: halfClose, done: done, startsOnHandshake: tls)
        let context: NIOSSLContext? =
            tls
            ? try {
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateVerification = .noHostnameVerification
                return try NIOSSLContext(configuration: configuration)
            }() : nil
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: sni) { certificates, verdict in
                                collector.presented = certificates.compactMap {
                                    try? Certificate(derEncoded: $0.toDERBytes())
                                }
                                verdict.succeed(.certificateVerified)
                            })
                    }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let deadline = loop.scheduleTask(in: timeout) { done.succeed(collector.snapshot) }
        let result = try await done.futureResult.get()
        deadline.cancel()
        try? await channel.close().get()
        return result
    }

    /// An HTTPS request through TLS; returns the whole response text.
    static func https(port: Int, request: String) async throws -> String {
        let exchange = try await exchange(
            port: port, tls: true, sni: "access.example.com", payload: Array(request.utf8))
        return String(decoding: exchange.received, as: UTF8.self)
    }
}

private final class Collector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let expect: Int?
    let payload: [UInt8]
    let halfClose: Bool
    let done: EventLoopPromise<ClientExchange>
    let startsOnHandshake: Bool
    var presented: [Certificate] = []
    private var received: [UInt8] = []
    private var closed = false

    init(
        expect: Int?, payload: [UInt8], halfClose: Bool, done: EventLoopPromise<ClientExchange>, startsOnHandshake: Bool
    ) {
        self.expect = expect
        self.payload = payload
        self.halfClose = halfClose
        self.done = done
        self.startsOnHandshake = startsOnHandshake
    }

    var snapshot: ClientExchange { ClientExchange(presented: presented, received: received, closedByPeer: closed) }

    func channelActive(context: ChannelHandlerContext) {
        if !startsOnHandshake { send(context) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { send(context) }
        if case .inputClosed = event as? ChannelEvent {
            closed = true
            done.succeed(snapshot)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func send(_ context: ChannelHandlerContext) {
        guard !payload.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: payload)), promise: nil)
        if halfClose { context.close(mode: .output, promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += Array(buffer: unwrapInboundIn(data))
        if let expect, received.count >= expect { done.succeed(snapshot) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        done.succeed(snapshot)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closed = true
        done.succeed(snapshot)
        context.close(promise: nil)
    }
}
