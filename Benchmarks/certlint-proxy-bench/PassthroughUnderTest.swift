import Foundation

/// The staging proxy as users run it, in its own process (as socat is): `certlint proxy` on a
/// repository whose HAProxy configuration passes 5262 (to the sink) and 443 (to the echo
/// service) through.
struct PassthroughUnderTest {
    let process: Process
    let sinkPort: Int
    let echoPort: Int
    let folder: URL

    /// The repository's manifest and HAProxy configuration: 5262 and 443 passed through.
    static let manifest = """
        version: 1
        deployments:
          - name: bench
            vip: access.example.com
            nodes: [sink.example.com, echo.example.com]
            lb-mode: passthrough
            load-balancer: [lb/haproxy.cfg]

        """

    static let haproxy = """
        frontend cert_proxy
            mode tcp
            bind :5262
            default_backend sink
        backend sink
            mode tcp
            server sink sink.example.com:5262

        frontend access
            mode tcp
            bind :443
            default_backend echo
        backend echo
            mode tcp
            server echo echo.example.com:443

        """

    /// The stage file: the proxy on free loopback ports, the nodes at the sink and echo services.
    static func stageFile(sinkPort: Int, echoPort: Int) -> String {
        """
        version: 1
        listen: { address: 127.0.0.1, ports: { 443: 0, 5262: 0 } }
        nodes:
          sink.example.com: { address: 127.0.0.1, ports: { 5262: \(sinkPort) } }
          echo.example.com: { address: 127.0.0.1, ports: { 443: \(echoPort) } }
        limits: { max-connections: 100000 }

        """
    }

    static func start(certlint: String, sinkPort: Int, echoPort: Int, threads: Int?) async throws
        -> PassthroughUnderTest
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-proxy-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("lb"), withIntermediateDirectories: true)
        try manifest.write(to: folder.appendingPathComponent("certlint.yaml"), atomically: true, encoding: .utf8)
        try haproxy.write(to: folder.appendingPathComponent("lb/haproxy.cfg"), atomically: true, encoding: .utf8)
        let stage = folder.appendingPathComponent("stage.yaml")
        try stageFile(sinkPort: sinkPort, echoPort: echoPort).write(to: stage, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: certlint)
        process.arguments =
            ["proxy", folder.path, "--stage", stage.path, "--fail-on", "never"]
            + (threads.map { ["--threads", String($0)] } ?? [])
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The banner names the ports it bound: "listening for 5262 on 127.0.0.1:PORT".
        var banner = ""
        while !banner.contains("running") {
            let data = errors.fileHandleForReading.availableData
            guard !data.isEmpty else { throw BenchError("certlint proxy exited: \(banner)") }
            banner += String(decoding: data, as: UTF8.self)
        }
        var ports: [Int: Int] = [:]
        for line in banner.split(separator: "\n") where line.hasPrefix("listening for ") {
            let words = line.split(separator: " ")
            if let port = Int(words[2]), let bound = words.last?.split(separator: ":").last.flatMap({ Int($0) }) {
                ports[port] = bound
            }
        }
        guard let sink = ports[5262], let echo = ports[443] else {
            throw BenchError("no ports in the banner: \(banner)")
        }
        return PassthroughUnderTest(process: process, sinkPort: sink, echoPort: echo, folder: folder)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
