import ArgumentParser
import CertLint
import CertLintStaging
import Foundation
import NIOCore
import NIOPosix

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Connect to the VIP and the nodes, read the certificates they present, and judge them against the repository.",
        discussion: """
            Endpoints are named as the repository names them: HOST is the deployment's VIP or a node, PORT is 443, \
            the cert proxy's port or 5263. Add @ADDRESS:PORT when the endpoint answers elsewhere (staging, a tunnel). \
            With --stage the stage file's vip: and nodes: give the endpoints. Rule IDs are the scan's, plus CP014 \
            (certificate drift) and CP015 (endpoint unreachable). Exit codes as for scan.
            """)

    @OptionGroup var source: SourceArguments
    @OptionGroup var outputs: ReportOutputs

    @Option(name: .customLong("endpoint"), help: "HOST:PORT or HOST:PORT@ADDRESS:PORT (repeatable).")
    var endpoints: [String] = []

    @Option(help: "A stage file whose vip: and nodes: name the endpoints.")
    var stage: String?

    @Option(help: "Seconds to wait for a connection and its TLS handshake.")
    var timeout = 5

    func validate() throws {
        if endpoints.isEmpty && stage == nil {
            throw ValidationError("Name what to check: --endpoint HOST:PORT (repeatable) or --stage FILE.")
        }
        if timeout < 1 { throw ValidationError("--timeout must be 1 or more seconds.") }
        if source.diffBase != nil {
            throw ValidationError("--diff-base filters scan findings by changed files; live checks have none. Drop it.")
        }
    }

    func run() async throws {
        let files = try outputs.files()
        var live = try endpoints.map { text throws(CertLintError) in try LiveEndpoint.parse(text) }
        let scan = try await Scanner.scan(try source.options())
        var notes: [ScanNote] = []
        if let stage {
            let staged = try LiveRun.endpoints(stage: try StageFile.read(stage), topology: scan.topology)
            live += staged.endpoints
            notes = staged.notes
        }
        let group = MultiThreadedEventLoopGroup.singleton
        try outputs.emit(
            try await LiveRun.verify(live, scan: scan, group: group, timeout: .seconds(Int64(timeout)), notes: notes),
            to: files)
    }
}

struct Proxy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the staging forwarding proxy the repository's load-balancer configuration describes.",
        discussion: """
            The stage file maps the deployment's nodes to staging addresses and gives the listen address \
            and, for listeners that terminate TLS, the certificate and key to terminate with (never from the \
            repository). Passthrough listeners forward TCP and record the ClientHello's SNI; re-encryption \
            listeners pin the repository's service certificate on the nodes and insert X-Forwarded-For and \
            RemotePort where the configuration does. SIGINT or SIGTERM (or --duration) stops it: open \
            connections drain, and the observations are judged and written like scan's findings.
            """)

    @OptionGroup var source: SourceArguments
    @OptionGroup var outputs: ReportOutputs

    @Option(help: "The stage file (see the README's Staging section).")
    var stage: String

    @Option(help: "Write every connection as one JSON object per line to this file.")
    var report: String?

    @Option(help: "Listen on this address instead of the stage file's (default 127.0.0.1).")
    var listen: String?

    @Flag(help: "Allow a listen address other than loopback.")
    var allowRemote = false

    @Option(help: "Stop after this many seconds (default: run until SIGINT or SIGTERM).")
    var duration: Int?

    @Option(help: "Event-loop threads forwarding connections (default: the number of cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more.") }
        if let duration, duration < 1 { throw ValidationError("--duration must be 1 or more seconds.") }
        if source.diffBase != nil {
            throw ValidationError("--diff-base filters scan findings by changed files; live checks have none. Drop it.")
        }
    }

    func run() async throws {
        let files = try outputs.files()
        let reportFile = try report.map { path throws(CertLintError) in try OutputFile(path) }
        var stageFile = try StageFile.read(stage)
        if let listen { stageFile.listen.address = listen }
        if !allowRemote && !["127.0.0.1", "::1", "localhost"].contains(stageFile.listen.address)
            && !stageFile.listen.address.hasPrefix("127.")
        {
            throw StagingError.proxy(
                "the listen address \(stageFile.listen.address) is not loopback. Pass --allow-remote to expose the staging proxy on it"
            )
        }
        let scan = try await Scanner.scan(try source.options())
        let plan = try ProxyPlan.build(topology: scan.topology, stage: stageFile, repositoryRoot: scan.root)
        let group =
            threads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) } ?? MultiThreadedEventLoopGroup.singleton
        let probes = await LiveRun.probeBackends(plan, group: group, timeout: plan.limits.connectTimeout.timeAmount)
        var known: [LiveEndpoint: CertificateInfo] = [:]
        for probe in probes { known[probe.endpoint] = probe.leaf }
        let proxy = try StagingProxy(plan: plan, group: group, report: reportFile, knownCertificates: known)
        let bound = try await proxy.start()
        var banner = plan.summary + "\n"
        for listener in plan.listeners {
            banner +=
                "listening for \(listener.listener.port) on \(LiveEndpoint.join(listener.bindAddress, bound[listener.listener.port] ?? listener.bindPort))\n"
        }
        FileHandle.standardError.write(Data((banner + "certlint proxy: running; SIGINT or SIGTERM stops it\n").utf8))
        await StopSignal.wait(seconds: duration)
        FileHandle.standardError.write(
            Data("certlint proxy: stopping; draining \(proxy.log.activeCount) open connection(s)\n".utf8))
        await proxy.shutdown()
        try outputs.emit(await LiveRun.proxyReport(proxy, probes: probes, scan: scan), to: files)
    }
}

/// Waits for SIGINT, SIGTERM or the duration, whichever comes first.
enum StopSignal {
    static func wait(seconds: Int?) async {
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .main)
        }
        let once = OnceFlag()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for source in sources {
                source.setEventHandler { if once.take() { continuation.resume() } }
                source.resume()
            }
            if let seconds {
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
                    if once.take() { continuation.resume() }
                }
            }
        }
        for source in sources { source.cancel() }
    }
}

/// True the first time only, from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = false
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if taken { return false }
        taken = true
        return true
    }
}
