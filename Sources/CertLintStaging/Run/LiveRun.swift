import CertLint
import NIOCore

/// `certlint verify` and the end of `certlint proxy`: probe endpoints, judge what they presented
/// against the scanned repository, with the scan's catalog, settings and outputs.
package enum LiveRun {
    /// The endpoints a stage file names for its deployment: the VIP (when `vip:` is given) on 443,
    /// the cert proxy port and 5263, and every mapped node on 443, the cert proxy port and, when
    /// configured, the secondary port. Nodes the stage file does not map are left out with a note.
    package static func endpoints(stage: StageFile, topology: Topology) throws(StagingError) -> (
        endpoints: [LiveEndpoint], notes: [ScanNote]
    ) {
        let deployment = try ProxyPlan.selectDeployment(topology, stage: stage)
        let proxy = deployment.deployment.certProxy
        var endpoints: [LiveEndpoint] = []
        var notes: [ScanNote] = []
        if let vip = stage.vip {
            for port in deployment.deployment.rolePorts.map(\.port) {
                endpoints.append(vip.endpoint(host: deployment.deployment.vip.value, port: port))
            }
        }
        for node in deployment.deployment.nodes {
            guard let address = stage.nodes[node.value] else {
                notes.append(
                    ScanNote(
                        path: stage.path,
                        message: "node \(node.value) has no address under nodes:, so it was not checked"))
                continue
            }
            for port in [443, proxy.effectivePort] + (proxy.secondaryPort.map { [$0.value] } ?? []) {
                endpoints.append(address.endpoint(host: node.value, port: port))
            }
        }
        return (endpoints, notes)
    }

    /// Probes every endpoint and evaluates. An endpoint the repository gives no role is exit 2,
    /// before anything is probed.
    package static func verify(
        _ endpoints: [LiveEndpoint], scan: ScanResult, group: any EventLoopGroup, timeout: TimeAmount,
        notes: [ScanNote] = []
    ) async throws -> ScanResult {
        let targets = try endpoints.map { endpoint throws(CertLintError) in try scan.topology.target(for: endpoint) }
        let observations = await EndpointProbe(group: group, timeout: timeout).observe(endpoints)
        let targeted = zip(targets, observations).map { TargetedObservation(target: $0, observation: $1) }
        let deployment = Set(targets.map(\.deployment.name)).sorted().joined(separator: ", ")
        return await LiveEvaluator.evaluate(targeted, deployment: deployment, scan: scan, notes: notes)
    }

    /// The nodes a proxy plan forwards to, probed once at start: their certificates name the
    /// passthrough records, and their findings join the proxy's report.
    package static func probeBackends(_ plan: ProxyPlan, group: any EventLoopGroup, timeout: TimeAmount) async
        -> [LiveObservation]
    {
        await EndpointProbe(group: group, timeout: timeout).observe(plan.backendEndpoints)
    }

    /// The proxy's report: the start-up probes of the nodes and what forwarding showed.
    package static func proxyReport(_ proxy: StagingProxy, probes: [LiveObservation], scan: ScanResult) async
        -> ScanResult
    {
        var targeted: [TargetedObservation] = []
        var notes: [ScanNote] = []
        for observation in probes {
            do {
                targeted.append(
                    TargetedObservation(
                        target: try scan.topology.target(for: observation.endpoint), observation: observation))
            } catch {
                notes.append(
                    ScanNote(
                        path: proxy.plan.deployment.deployment.manifest,
                        message:
                            "backend \(observation.endpoint) is not a node of deployment \(proxy.plan.deployment.name) by name, so its certificate was not judged"
                    ))
            }
        }
        let records = proxy.log.records
        notes.append(
            ScanNote(
                path: proxy.plan.deployment.deployment.manifest,
                message:
                    "declares deployment \(proxy.plan.deployment.name); the proxy recorded \(records.count) connection\(records.count == 1 ? "" : "s") for it (--report writes each)"
            ))
        return await LiveEvaluator.evaluate(
            targeted, forwarding: proxy.log.forwarding, deployment: proxy.plan.deployment.name, scan: scan, notes: notes
        )
    }
}
