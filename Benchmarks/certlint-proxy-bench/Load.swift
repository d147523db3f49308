import Foundation
import NIOCore
import NIOPosix

/// The services behind the path under test.
enum LoopbackService {
    enum Kind { case sink, echo }

    static func start(_ kind: Kind, group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        kind == .sink ? Sink() as any ChannelHandler : Echo())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return channel.localAddress!.port!
    }

    /// Reads everything; at the client's end of input answers one byte and closes.
    final class Sink: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .inputClosed = event as? ChannelEvent {
                let channel = context.channel
                context.writeAndFlush(NIOAny(channel.allocator.buffer(bytes: [1]))).whenComplete { _ in
                    channel.close(promise: nil)
                }
            }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    final class Echo: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.write(data, promise: nil) }
        func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}

/// The clients: bulk senders and ping-pong pairs.
enum Load {
    /// MB/s over `streams` connections each sending `bytes`, from the first byte to the sink's answer.
    static func throughput(port: Int, streams: Int, bytes: Int, group: any EventLoopGroup) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0..<streams {
                tasks.addTask {
                    let done = group.next().makePromise(of: Void.self)
                    _ = try await ClientBootstrap(group: group)
                        .channelOption(.allowRemoteHalfClosure, value: true)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(Sender(total: bytes, done: done))
                            }
                        }
                        .connect(host: "127.0.0.1", port: port).get()
                    try await done.futureResult.get()
                }
            }
            try await tasks.waitForAll()
        }
        let seconds =
            Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - start).components.seconds)
        return Double(streams * bytes) / 1_048_576 / seconds
    }

    /// Round-trip times in microseconds of 64-byte messages, `connections` at once.
    static func latencies(port: Int, connections: Int, roundTrips: Int, group: any EventLoopGroup) async throws
        -> [Double]
    {
        try await withThrowingTaskGroup(of: [Double].self) { tasks in
            for _ in 0..<connections {
                tasks.addTask {
                    let done = group.next().makePromise(of: [Double].self)
                    let channel = try await ClientBootstrap(group: group)
                        .channelOption(.socketOption(.tcp_nodelay), value: 1)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(
                                    PingPong(roundTrips: roundTrips, done: done))
                            }
                        }
                        .connect(host: "127.0.0.1", port: port).get()
                    let times = try await done.futureResult.get()
                    try? await channel.close().get()
                    return times
                }
            }
            var all: [Double] = []
            for try await times in tasks { all += times }
            return all
        }
    }

    final class Sender: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var remaining: Int
        private let done: EventLoopPromise<Void>
        private var chunk: ByteBuffer?

        init(total: Int, done: EventLoopPromise<Void>) {
            remaining = total
            self.done = done
        }

        func channelActive(context: ChannelHandlerContext) {
            chunk = context.channel.allocator.buffer(repeating: 0x61, count: 64 * 1024)
            send(context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { send(context) }
        }

        private func send(_ context: ChannelHandlerContext) {
            guard let chunk else { return }
            while remaining > 0 && context.channel.isWritable {
                let size = min(remaining, chunk.readableBytes)
                context.write(wrapOutboundOut(chunk.getSlice(at: chunk.readerIndex, length: size)!), promise: nil)
                remaining -= size
            }
            context.flush()
            if remaining == 0 {
                self.chunk = nil
                context.close(mode: .output, promise: nil)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            done.succeed(())
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) { done.fail(ChannelError.ioOnClosedChannel) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { done.fail(error) }
    }

    final class PingPong: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var left: Int
        private let done: EventLoopPromise<[Double]>
        private var times: [Double] = []
        private var sent = ContinuousClock.now
        private var pending = 0

        init(roundTrips: Int, done: EventLoopPromise<[Double]>) {
            left = roundTrips
            self.done = done
        }

        func channelActive(context: ChannelHandlerContext) { ping(context) }

        private func ping(_ context: ChannelHandlerContext) {
            sent = ContinuousClock.now
            pending = 64
            context.writeAndFlush(
                wrapOutboundOut(context.channel.allocator.buffer(repeating: 0x70, count: 64)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending -= unwrapInboundIn(data).readableBytes
            guard pending <= 0 else { return }
            let elapsed = ContinuousClock.now - sent
            times.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
            left -= 1
            if left == 0 { done.succeed(times) } else { ping(context) }
        }

        func channelInactive(context: ChannelHandlerContext) { done.fail(ChannelError.ioOnClosedChannel) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { done.fail(error) }
    }
}
