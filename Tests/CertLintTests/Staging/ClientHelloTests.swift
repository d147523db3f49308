import NIOCore
import NIOEmbedded
import NIOSSL
import Testing

@testable import CertLintStaging

@Suite struct ClientHelloTests {
    /// The bytes NIOSSL's client sends first, for `serverName`.
    static func clientHello(serverName: String?) throws -> ByteBuffer {
        let channel = EmbeddedChannel()
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        try channel.pipeline.syncOperations.addHandler(
            try NIOSSLClientHandler(context: context, serverHostname: serverName))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        var hello = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { hello.writeBuffer(&part) }
        _ = try? channel.finish()
        return hello
    }

    @Test func readsTheServerNameOfARealClientHello() throws {
        let hello = try Self.clientHello(serverName: "access.example.com")
        #expect(ClientHello.peek(hello) == .hello(serverName: "access.example.com"))
        #expect(ClientHello.peek(try Self.clientHello(serverName: nil)) == .hello(serverName: nil))
    }

    @Test func waitsForTheWholeHelloAcrossReadsAndRecords() throws {
        let hello = try Self.clientHello(serverName: "access.example.com")
        for length in [0, 1, 2, 4, 5, 40, hello.readableBytes - 1] {
            #expect(ClientHello.peek(hello.getSlice(at: 0, length: length)!) == .incomplete, "\(length) bytes")
        }
        // The same handshake message split over two TLS records.
        var body = hello.getSlice(at: 5, length: hello.readableBytes - 5)!
        let first = body.readSlice(length: 100)!
        var split = ByteBuffer()
        for var fragment in [first, body] {
            split.writeBytes([22, 3, 1])
            split.writeInteger(UInt16(fragment.readableBytes))
            split.writeBuffer(&fragment)
        }
        #expect(ClientHello.peek(split) == .hello(serverName: "access.example.com"))
    }

    @Test func plainTextAndOtherRecordsAreNotTLS() {
        #expect(ClientHello.peek(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n")) == .notTLS)
        #expect(ClientHello.peek(ByteBuffer(string: "SSH-2.0-OpenSSH_9.2\r\n")) == .notTLS)
        #expect(ClientHello.peek(ByteBuffer(bytes: [22, 2])) == .notTLS)  // not a TLS version
        #expect(ClientHello.peek(ByteBuffer(bytes: [23, 3, 3, 0, 5, 1, 2, 3, 4, 5])) == .notTLS)  // application data
        #expect(ClientHello.peek(ByteBuffer(bytes: [22, 3, 1, 0, 4, 2, 0, 0, 0])) == .notTLS)  // a ServerHello
    }
}
