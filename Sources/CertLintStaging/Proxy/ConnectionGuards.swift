import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS

/// Counts the bytes on the wire of a client connection, first in the pipeline.
final class ByteCounter: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let connection: ConnectionState

    init(_ connection: ConnectionState) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.record.bytesFromClient += unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        connection.record.bytesToClient += unwrapOutboundIn(data).readableBytes
        context.write(data, promise: promise)
    }
}

/// Closes a connection that has been quiet for the idle timeout (after an `IdleStateHandler`).
final class IdleCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    private let connection: ConnectionState

    init(_ connection: ConnectionState) { self.connection = connection }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            connection.close(.idleTimeout, "no traffic for the idle timeout")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Closes a client that has not finished its TLS start (the ClientHello for passthrough, the
/// whole handshake for termination) within the handshake timeout: a slowloris client holds its
/// socket no longer than that.
final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let connection: ConnectionState
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(_ connection: ConnectionState, timeout: TimeAmount) {
        self.connection = connection
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let connection = self.connection
        let seconds = timeout.nanoseconds / 1_000_000_000
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            connection.close(.handshakeTimeout, "the client did not complete its TLS start within \(seconds) s")
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { met() }

    /// The start is complete: the deadline no longer applies.
    func met() {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { met() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        met()
        context.fireChannelInactive()
    }
}

/// How backends are picked: round robin per listener, or by the client's address.
final class BackendSelector: Sendable {
    private let counter = RoundRobinCounter()
    let listener: PlannedListener

    init(_ listener: PlannedListener) { self.listener = listener }

    /// Every backend, the chosen one first and the others after it as fallbacks.
    func order(client: SocketAddress?) -> [PlannedBackend] {
        let backends = listener.backends
        let start: Int
        switch listener.balance {
        case .roundRobin:
            start = counter.next() % backends.count
        case .sourceHash:
            // FNV-1a over the client's IP address: the same client, the same node.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in (client?.ipAddress ?? "").utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            start = Int(hash % UInt64(backends.count))
        }
        return Array(backends[start...] + backends[..<start])
    }
}

/// The next position of a round robin, shared by the event loops of one listener.
final class RoundRobinCounter: Sendable {
    private let value = NIOLockedValueBox(0)
    func next() -> Int {
        value.withLockedValue { value in
            defer { value &+= 1 }
            return value
        }
    }
}

@available(*, unavailable)
extension ByteCounter: Sendable {}

@available(*, unavailable)
extension IdleCloser: Sendable {}

@available(*, unavailable)
extension HandshakeDeadline: Sendable {}
