import NIOCore

/// Joins two channels byte for byte: what one reads the other writes. Backpressure: a side
/// stops reading while its partner cannot take more (NIO's writability), so buffers stay
/// bounded by the channels' write-buffer water marks. A half-close is passed on as one; when
/// one side goes away the other is closed.
final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private(set) var inputClosed = false
    /// Called with an error that closed this side (a reset), before the partner is closed.
    private let onError: (any Error) -> Void

    private init(onError: @escaping (any Error) -> Void) { self.onError = onError }

    /// Two handlers, one for each channel, that know each other.
    static func matchedPair(onClientError: @escaping (any Error) -> Void, onBackendError: @escaping (any Error) -> Void)
        -> (client: GlueHandler, backend: GlueHandler)
    {
        let client = GlueHandler(onError: onClientError)
        let backend = GlueHandler(onError: onBackendError)
        client.partner = backend
        backend.partner = client
        return (client, backend)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    // MARK: What the partner asks of this side

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private var partnerWritable: Bool { context?.channel.isWritable ?? false }

    /// The partner's peer finished sending: finish sending here too, or close when both have.
    private func partnerWriteEOF() {
        guard let context else { return }
        if inputClosed {
            context.close(promise: nil)
        } else {
            context.close(mode: .output, promise: nil)
        }
    }

    private func partnerClose() { context?.close(promise: nil) }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.partnerWrite(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.partnerClose()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            inputClosed = true
            partner?.partnerFlush()
            partner?.partnerWriteEOF()
            if partner?.inputClosed == true { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        onError(error)
        partner?.partnerClose()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        // Until the partner's channel exists (the backend is being chosen) the handlers in
        // front, with their own bounds, decide what is read.
        if let partner, partner.context == nil || partner.partnerWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}

@available(*, unavailable)
extension GlueHandler: Sendable {}
