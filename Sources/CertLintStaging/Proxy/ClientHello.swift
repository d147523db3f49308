import NIOCore

/// Reads the server name of a TLS ClientHello from the first bytes of a connection, without
/// answering it (RFC 8446 §4.1.2, RFC 6066 §3). The ClientHello may span several records.
enum ClientHello {
    enum Peek: Equatable {
        /// More bytes are needed.
        case incomplete
        /// A ClientHello: its server name, if it sends one.
        case hello(serverName: String?)
        /// The bytes are not a TLS handshake (a plain-text client, or garbage).
        case notTLS
    }

    /// The most a ClientHello may take before it counts as not TLS.
    static let maximumLength = 64 * 1024

    static func peek(_ buffer: ByteBuffer) -> Peek {
        var records = buffer
        var handshake = ByteBuffer()
        while true {
            guard let type: UInt8 = records.readInteger(), let major: UInt8 = records.readInteger(),
                let _: UInt8 = records.readInteger(),
                let length: UInt16 = records.readInteger()
            else {
                return records.readableBytes + handshake.readableBytes > maximumLength
                    ? .notTLS : (buffer.readableBytes == 0 || isHandshakeStart(buffer) ? .incomplete : .notTLS)
            }
            guard type == 22, major == 3, length > 0 else { return .notTLS }
            guard var fragment = records.readSlice(length: Int(length)) else { return .incomplete }
            handshake.writeBuffer(&fragment)
            var message = handshake
            guard let messageType: UInt8 = message.readInteger() else { continue }
            guard messageType == 1 else { return .notTLS }
            guard let high: UInt8 = message.readInteger(), let low: UInt16 = message.readInteger() else { continue }
            let messageLength = Int(high) << 16 | Int(low)
            guard messageLength <= maximumLength else { return .notTLS }
            guard var body = message.readSlice(length: messageLength) else { continue }
            return serverName(inClientHello: &body).map { .hello(serverName: $0) } ?? .notTLS
        }
    }

    /// A first byte of 22 (handshake) followed by 3 (TLS major version), as far as they arrived.
    private static func isHandshakeStart(_ buffer: ByteBuffer) -> Bool {
        let bytes = buffer.readableBytesView.prefix(2)
        return bytes.first == 22 && (bytes.count < 2 || bytes.last == 3)
    }

    /// The host_name of the server_name extension; nil inside when there is none, nil outside
    /// when the message is malformed.
    private static func serverName(inClientHello body: inout ByteBuffer) -> String?? {
        guard body.readSlice(length: 2 + 32) != nil,  // legacy_version, random
            let sessionLength: UInt8 = body.readInteger(), body.readSlice(length: Int(sessionLength)) != nil,
            let suitesLength: UInt16 = body.readInteger(), body.readSlice(length: Int(suitesLength)) != nil,
            let compressionLength: UInt8 = body.readInteger(), body.readSlice(length: Int(compressionLength)) != nil
        else { return nil }
        guard let extensionsLength: UInt16 = body.readInteger() else { return .some(nil) }  // no extensions at all
        guard var extensions = body.readSlice(length: Int(extensionsLength)) else { return nil }
        while extensions.readableBytes > 0 {
            guard let type: UInt16 = extensions.readInteger(), let length: UInt16 = extensions.readInteger(),
                var data = extensions.readSlice(length: Int(length))
            else { return nil }
            guard type == 0 else { continue }
            guard let listLength: UInt16 = data.readInteger(), var list = data.readSlice(length: Int(listLength)) else {
                return nil
            }
            while list.readableBytes > 0 {
                guard let nameType: UInt8 = list.readInteger(), let nameLength: UInt16 = list.readInteger(),
                    let name = list.readString(length: Int(nameLength))
                else { return nil }
                if nameType == 0 { return .some(name) }
            }
            return .some(nil)
        }
        return .some(nil)
    }
}

/// Holds a passthrough connection's first bytes until the ClientHello's server name is known
/// (or the bytes are not TLS), lets the connection choose and reach a node, then hands every
/// held byte to the handler behind it and leaves the pipeline. A client that closes its side
/// meanwhile has that passed on after its bytes. Bounded by `ClientHello.maximumLength`.
final class ClientHelloPeek: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The peek's lifecycle; every byte the client sent before the node was reached is held here.
    private enum State {
        /// Reading until a whole ClientHello (or bytes that are not TLS) has arrived.
        case reading(held: ByteBuffer?)
        /// The connection is choosing and reaching a node; the client may still send, or close its side.
        case connecting(held: ByteBuffer?, inputClosed: Bool)
        /// The held bytes are handed on; the handler is leaving the pipeline.
        case handedOn
    }

    private var state = State.reading(held: nil)
    /// Called once with the server name (nil for none or not TLS) and whether it was TLS; the
    /// future succeeds when the node is connected.
    private let onPeek: (String?, Bool) -> EventLoopFuture<Void>

    init(onPeek: @escaping (String?, Bool) -> EventLoopFuture<Void>) { self.onPeek = onPeek }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .reading(let held):
            let bytes = Self.appending(unwrapInboundIn(data), to: held)
            state = .reading(held: bytes)
            switch ClientHello.peek(bytes) {
            case .incomplete: return
            case .hello(let name): start(context, name: name, tls: true)
            case .notTLS: start(context, name: nil, tls: false)
            }
        case .connecting(let held, let inputClosed):
            state = .connecting(held: Self.appending(unwrapInboundIn(data), to: held), inputClosed: inputClosed)
        case .handedOn:
            context.fireChannelRead(data)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .inputClosed = event as? ChannelEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .reading:
            // A client that stops sending before a whole ClientHello: decide with what there is.
            start(context, name: nil, tls: false, inputClosed: true)
        case .connecting(let held, _):
            state = .connecting(held: held, inputClosed: true)
        case .handedOn:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Hands the decision to the connection; `inputClosed` is recorded before, so a node
    /// reached at once still sees the client's half-close after its bytes.
    private func start(_ context: ChannelHandlerContext, name: String?, tls: Bool, inputClosed: Bool = false) {
        guard case .reading(let held) = state else { return }
        state = .connecting(held: held, inputClosed: inputClosed)
        onPeek(name, tls).hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            guard case .success = result, context.channel.isActive,
                case .connecting(let held, let inputClosed) = state
            else {
                context.close(promise: nil)
                return
            }
            state = .handedOn
            if let held, held.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(held))
                context.fireChannelReadComplete()
            }
            if inputClosed { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private static func appending(_ bytes: ByteBuffer, to held: ByteBuffer?) -> ByteBuffer {
        guard var held else { return bytes }
        var bytes = bytes
        held.writeBuffer(&bytes)
        return held
    }
}

@available(*, unavailable)
extension ClientHelloPeek: Sendable {}
