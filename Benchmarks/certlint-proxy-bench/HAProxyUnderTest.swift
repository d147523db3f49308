import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's HAProxy forwarding two free loopback ports to the sink and the echo service in
/// `mode tcp`: the load balancer `certlint proxy` stands in for in staging.
enum HAProxyUnderTest {
    static func start(_ path: String, sinkPort: Int, echoPort: Int) throws -> (
        process: Process, sinkPort: Int, echoPort: Int
    ) {
        let sinkFront = try ProxyBench.freePort()
        let echoFront = try ProxyBench.freePort()
        let config = """
            global
                maxconn 4000
            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s
            frontend sink
                bind 127.0.0.1:\(sinkFront)
                default_backend sink
            backend sink
                server sink 127.0.0.1:\(sinkPort)
            frontend echo
                bind 127.0.0.1:\(echoFront)
                default_backend echo
            backend echo
                server echo 127.0.0.1:\(echoPort)

            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-proxy-bench-haproxy-\(UUID().uuidString).cfg")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-db", "-f", file.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Ready when both ports accept a connection; an alert (a setting this machine refuses) ends it.
        for _ in 0..<50 {
            guard process.isRunning else { throw BenchError("haproxy exited; run `haproxy -c -f \(file.path)`") }
            if accepts(sinkFront) && accepts(echoFront) { return (process, sinkFront, echoFront) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.terminate()
        throw BenchError("haproxy did not open 127.0.0.1:\(sinkFront) and :\(echoFront) within 5 s")
    }

    /// Whether a TCP connection to the loopback port succeeds.
    private static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
