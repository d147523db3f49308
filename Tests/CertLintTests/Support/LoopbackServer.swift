import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// A server on 127.0.0.1 and a free port, standing in for a node, a VIP or a misbehaving peer.
final class LoopbackServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Sends back every byte it reads.
        case echo
        /// Answers each HTTP request with its request line and headers as the body.
        case httpEcho
        /// Sends `count` bytes after reading anything, then resets the connection (SO_LINGER 0).
        case resetAfter(count: Int)
        /// A plain HTTP server: answers anything with 400 and closes.
        case plainHTTP
        /// Accepts and then never reads nor answers: a hung service.
        case blackhole

        var isHung: Bool {
            if case .blackhole = self { return true }
            return false
        }
    }

    let channel: any Channel
    var port: Int { channel.localAddress!.port! }
    /// Server names the clients asked for (TLS only).
    private let names = NIOLockedValueBox<[String]>([])
    var requestedNames: [String] { names.withLockedValue { $0 } }

    /// `tls`: a certificate chain and key, or nil for plain TCP.
    init(
        tls: IssuedTestCertificate?, behaviour: Behaviour,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        let context: NIOSSLContext? = try tls.map { identity in
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(identity.chainPEM.utf8))
            let key = try NIOSSLPrivateKey(bytes: Array(identity.keyPEM.utf8), format: .pem)
            return try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        }
        let names = self.names
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    // A hung service never gets to its TLS handshake.
                    if let context, !behaviour.isHung {
                        try sync.addHandler(
                            ByteToMessageHandler(
                                SNIHandler { result in
                                    if case .hostname(let name) = result { names.withLockedValue { $0.append(name) } }
                                    return channel.eventLoop.makeSucceededVoidFuture()
                                }))
                        try sync.addHandler(NIOSSLServerHandler(context: context))
                    }
                    switch behaviour {
                    case .echo: try sync.addHandler(EchoHandler())
                    case .httpEcho: try sync.addHandler(HTTPEchoHandler())
                    case .resetAfter(let count): try sync.addHandler(ResetHandler(count: count))
                    case .plainHTTP: try sync.addHandler(PlainHTTPHandler())
                    case .blackhole: try channel.syncOptions?.setOption(.autoRead, value: false)
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async { try? await channel.close().get() }
}

private final class EchoHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.write(data, promise: nil) }
    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client finished sending: finish too, after what was echoed.
        if case .inputClosed = event as? ChannelEvent { context.close(mode: .output, promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// Reads one request (up to the blank line) and answers with what it read.
private final class HTTPEchoHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private var received = ""
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        guard let end = received.range(of: "\r\n\r\n") else { return }
        let head = String(received[..<end.lowerBound])
        received = String(received[end.upperBound...])
        let response =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(head.utf8.count)\r\n\r\n\(head)"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: response)), promise: nil)
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

private final class ResetHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let count: Int
    init(count: Int) { self.count = count }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = context.channel.allocator.buffer(repeating: 0x42, count: count)
        let channel = context.channel
        context.writeAndFlush(NIOAny(bytes)).whenComplete { _ in
            guard let provider = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

private final class PlainHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let answer = context.channel.allocator.buffer(
            string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let channel = context.channel
        context.writeAndFlush(NIOAny(answer)).whenComplete { _ in channel.close(promise: nil) }
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
