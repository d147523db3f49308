import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `certlint-proxy-bench`: the staging proxy's passthrough path against a direct connection
/// and against socat, on loopback: throughput and the latency it adds.
@main
struct ProxyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certlint-proxy-bench",
        abstract: "Measure the staging proxy's passthrough forwarding (build with `swift build -c release` first).")

    @Option(help: "Megabytes each throughput stream sends.") var megabytes = 256
    @Option(help: "Parallel streams in the throughput run.") var streams = 4
    @Option(help: "Concurrent connections in the latency run.") var connections = 100
    @Option(help: "Round trips per connection in the latency run.") var roundTrips = 200
    @Option(help: "Repetitions of each measurement; the median is reported.") var repetitions = 3
    @Option(help: "`certlint proxy --threads` (default: its own default, the number of cores).") var proxyThreads: Int?
    @Option(help: "The certlint binary (default: the one beside this benchmark).") var certlint: String?

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)  // the clients
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sink = try await LoopbackService.start(.sink, group: serverGroup)
        let echo = try await LoopbackService.start(.echo, group: serverGroup)

        var paths: [(name: String, sinkPort: Int, echoPort: Int)] = [("direct", sink, echo)]
        let binary =
            certlint
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("certlint").path
        let proxy = try await PassthroughUnderTest.start(
            certlint: binary, sinkPort: sink, echoPort: echo, threads: proxyThreads)
        paths.append(("certlint proxy", proxy.sinkPort, proxy.echoPort))
        var socat: [Process] = []
        if let path = Self.which("socat") {
            let sinkRelay = try Self.socat(path, to: sink)
            let echoRelay = try Self.socat(path, to: echo)
            socat = [sinkRelay.process, echoRelay.process]
            paths.append(("socat", sinkRelay.port, echoRelay.port))
        } else {
            say("socat is not installed: only the direct path is compared (apt-get install socat)")
        }
        defer { for process in socat { process.terminate() } }
        try await Task.sleep(for: .milliseconds(300))

        say(
            "passthrough forwarding on loopback, \(System.coreCount) cores; median of \(repetitions); certlint proxy threads: \(proxyThreads.map(String.init) ?? "default (\(System.coreCount))")"
        )
        say(
            "throughput: \(streams) streams × \(megabytes) MB; latency: \(connections) connections × \(roundTrips) round trips of 64 bytes"
        )
        var results: [String: Result] = [:]
        for path in paths {
            let result = try await measure(sinkPort: path.sinkPort, echoPort: path.echoPort, group: group)
            results[path.name] = result
            say(
                String(
                    format: "  %-15@ %9.1f MB/s   p50 %7.1f µs   p99 %7.1f µs", path.name as NSString,
                    result.throughput, result.p50, result.p99))
        }
        compare(results)
        proxy.stop()
        try await group.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }

    typealias Result = (throughput: Double, p50: Double, p99: Double)

    /// One path's medians over the repetitions: throughput, and p50 and p99 round-trip latency.
    func measure(sinkPort: Int, echoPort: Int, group: MultiThreadedEventLoopGroup) async throws -> Result {
        var throughputs: [Double] = []
        var p50s: [Double] = []
        var p99s: [Double] = []
        for _ in 0..<repetitions {
            throughputs.append(
                try await Load.throughput(port: sinkPort, streams: streams, bytes: megabytes << 20, group: group))
            let latencies = try await Load.latencies(
                port: echoPort, connections: connections, roundTrips: roundTrips, group: group
            ).sorted()
            p50s.append(latencies[latencies.count / 2])
            p99s.append(latencies[latencies.count * 99 / 100])
        }
        return (Self.median(throughputs), Self.median(p50s), Self.median(p99s))
    }

    /// The proxy against the direct path and socat, and against the targets.
    func compare(_ results: [String: Result]) {
        guard let direct = results["direct"], let ours = results["certlint proxy"] else { return }
        say(
            String(
                format:
                    "certlint proxy vs direct: %.0f%% of the throughput, +%.1f µs p50, +%.1f µs p99 added latency",
                100 * ours.throughput / direct.throughput, ours.p50 - direct.p50, ours.p99 - direct.p99))
        if let socat = results["socat"] {
            say(
                String(
                    format:
                        "certlint proxy vs socat: %.0f%% of socat's throughput (target ≥ 80%%); p99 %.1f µs vs %.1f µs",
                    100 * ours.throughput / socat.throughput, ours.p99, socat.p99))
        }
        say(
            String(
                format: "p99 added latency at %d concurrent streams: %.1f µs (target < 1000 µs)", connections,
                ours.p99 - direct.p99))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func which(_ program: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// socat relaying a free loopback port to `port`, one forked child per connection.
    static func socat(_ path: String, to port: Int) throws -> (process: Process, port: Int) {
        let free = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["TCP-LISTEN:\(free),bind=127.0.0.1,fork,reuseaddr,backlog=1024", "TCP:127.0.0.1:\(port)"]
        try process.run()
        return (process, free)
    }

    static func freePort() throws -> Int {
        let socket = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0)
            .wait()
        let port = socket.localAddress!.port!
        try socket.close().wait()
        return port
    }
}

/// Prints a line at once (standard output is a pipe in CI logs).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
