import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `certlint-proxy-bench`: the staging proxy's passthrough path against a direct connection,
/// socat and HAProxy (`mode tcp`, the standard it stands in for), on loopback: throughput and the
/// latency each adds at several numbers of concurrent streams.
@main
struct ProxyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certlint-proxy-bench",
        abstract: "Measure the staging proxy's passthrough forwarding (build with `swift build -c release` first).")

    @Option(help: "Megabytes each throughput stream sends.") var megabytes = 256
    @Option(help: "Parallel streams in the throughput run.") var streams = 4
    @Option(
        parsing: .upToNextOption,
        help: "Concurrent connections in the latency runs (one run per number).")
    var connections: [Int] = [10, 100]
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
        if let path = Self.which("haproxy") ?? ["/usr/sbin/haproxy"].first(where: FileManager.default.isExecutableFile)
        {
            let relay = try HAProxyUnderTest.start(path, sinkPort: sink, echoPort: echo)
            socat.append(relay.process)
            paths.append(("haproxy", relay.sinkPort, relay.echoPort))
        } else {
            say("haproxy is not installed: no comparison with it (apt-get install haproxy)")
        }
        // SIGKILL: the relays inherit this process's blocked signals, and socat then outlives a SIGTERM.
        defer { for process in socat { kill(process.processIdentifier, SIGKILL) } }
        try await Task.sleep(for: .milliseconds(300))

        say(
            "passthrough forwarding on loopback, \(System.coreCount) cores; median of \(repetitions); certlint proxy threads: \(proxyThreads.map(String.init) ?? "default (\(System.coreCount))")"
        )
        say(
            "throughput: \(streams) streams × \(megabytes) MB; latency: \(connections.map(String.init).joined(separator: " and ")) connections × \(roundTrips) round trips of 64 bytes"
        )
        var results: [String: Result] = [:]
        for path in paths {
            let result = try await measure(sinkPort: path.sinkPort, echoPort: path.echoPort, group: group)
            results[path.name] = result
            let latency = connections.map { count in
                String(
                    format: "  %4d streams: p50 %7.1f µs p99 %7.1f µs", count, result.latency[count]?.p50 ?? 0,
                    result.latency[count]?.p99 ?? 0)
            }
            let name = path.name.padding(toLength: 15, withPad: " ", startingAt: 0)
            say("  \(name)" + String(format: "%9.1f MB/s", result.throughput) + latency.joined())
        }
        compare(results)
        proxy.stop()
        try await group.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }

    struct Result {
        let throughput: Double
        /// Median p50 and p99 round-trip latency by number of concurrent connections.
        let latency: [Int: (p50: Double, p99: Double)]
    }

    /// One path's medians over the repetitions: throughput, and p50 and p99 round-trip latency at
    /// each number of concurrent connections.
    func measure(sinkPort: Int, echoPort: Int, group: MultiThreadedEventLoopGroup) async throws -> Result {
        var throughputs: [Double] = []
        var p50s: [Int: [Double]] = [:]
        var p99s: [Int: [Double]] = [:]
        for _ in 0..<repetitions {
            throughputs.append(
                try await Load.throughput(port: sinkPort, streams: streams, bytes: megabytes << 20, group: group))
            for count in connections {
                let latencies = try await Load.latencies(
                    port: echoPort, connections: count, roundTrips: roundTrips, group: group
                ).sorted()
                p50s[count, default: []].append(latencies[latencies.count / 2])
                p99s[count, default: []].append(latencies[latencies.count * 99 / 100])
            }
        }
        var latency: [Int: (p50: Double, p99: Double)] = [:]
        for count in connections { latency[count] = (Self.median(p50s[count]!), Self.median(p99s[count]!)) }
        return Result(throughput: Self.median(throughputs), latency: latency)
    }

    /// The proxy against the direct path, socat and HAProxy, and against the targets.
    func compare(_ results: [String: Result]) {
        guard let direct = results["direct"], let ours = results["certlint proxy"], let most = connections.max()
        else { return }
        func added(_ result: Result, _ count: Int) -> (p50: Double, p99: Double) {
            (
                (result.latency[count]?.p50 ?? 0) - (direct.latency[count]?.p50 ?? 0),
                (result.latency[count]?.p99 ?? 0) - (direct.latency[count]?.p99 ?? 0)
            )
        }
        for count in connections {
            say(
                String(
                    format: "certlint proxy vs direct at %d streams: +%.1f µs p50, +%.1f µs p99 added latency", count,
                    added(ours, count).p50, added(ours, count).p99))
        }
        say(
            String(format: "certlint proxy: %.0f%% of the direct throughput", 100 * ours.throughput / direct.throughput)
        )
        if let socat = results["socat"] {
            say(
                String(
                    format: "certlint proxy vs socat: %.0f%% of socat's throughput (target ≥ 80%%)",
                    100 * ours.throughput / socat.throughput))
        }
        if let haproxy = results["haproxy"] {
            let ratio = added(ours, most).p99 / max(added(haproxy, most).p99, 0.1)
            say(
                String(
                    format:
                        "certlint proxy vs haproxy: %.0f%% of HAProxy's throughput (target ≥ 90%%); added p99 at %d streams %.1f µs vs %.1f µs, %.2f× (target ≤ 1.5×)",
                    100 * ours.throughput / haproxy.throughput, most, added(ours, most).p99,
                    added(haproxy, most).p99, ratio))
        }
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
