import CertLint
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Every connection of a proxy run: the live ones (for the limit and the drain), the finished
/// records, and the per-backend sums the rules judge. Thread-safe.
package final class ConnectionLog: Sendable {
    private struct State {
        var nextID = 1
        var active: [Int: (channel: any Channel, connection: NIOLoopBound<ConnectionState>)] = [:]
        var records: [ConnectionRecord] = []
        var forwarding: [String: ForwardingObservation] = [:]
        var droppedRecords = 0
    }
    private let state = NIOLockedValueBox(State())
    private let maxConnections: Int
    private let report: FileHandle?
    /// Records kept in memory for the end-of-run summary; the report file gets every one.
    private let keptRecords = 100_000

    init(maxConnections: Int, report: OutputFile?) throws {
        self.maxConnections = maxConnections
        self.report = try report?.openForLogging()
    }

    /// Admits a connection under the limit; nil when the limit is reached.
    /// On the channel's event loop.
    func admit(_ channel: any Channel, _ connection: ConnectionState) -> Int? {
        let bound = NIOLoopBound(connection, eventLoop: channel.eventLoop)
        return state.withLockedValue { state in
            guard state.active.count < maxConnections else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.active[id] = (channel, bound)
            return id
        }
    }

    /// A number for a connection refused at the limit.
    func refusedID() -> Int {
        state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// On the connection's event loop, when its client channel has closed.
    func finish(_ connection: ConnectionState, id: Int?) {
        var record = connection.record
        record.ended = Date()
        if record.closeReason == nil { record.closeReason = .completed }
        let line: Data? = report.map { _ in
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            return ((try? encoder.encode(record.redacted())) ?? Data()) + Data("\n".utf8)
        }
        state.withLockedValue { state in
            if let id { state.active[id] = nil }
            if state.records.count < keptRecords { state.records.append(record) } else { state.droppedRecords += 1 }
            Self.sum(connection, into: &state.forwarding)
            if let line, let report { report.write(line) }
        }
    }

    private static func sum(_ connection: ConnectionState, into forwarding: inout [String: ForwardingObservation]) {
        func update(_ backend: PlannedBackend, _ change: (inout ForwardingObservation) -> Void) {
            let key = "\(connection.listener.listener.port) \(backend.endpoint)"
            var item =
                forwarding[key]
                ?? ForwardingObservation(
                    role: connection.listener.role, listener: connection.listener.listener, backend: backend.endpoint,
                    backendLocation: backend.location)
            change(&item)
            forwarding[key] = item
        }
        for (backend, failure) in connection.failures {
            update(backend) { $0.failures[failure, default: 0] += 1 }
        }
        guard let backend = connection.backend else { return }
        update(backend) { item in
            item.connections += 1
            item.requests += connection.record.requests
            item.requestsWithoutForwardedFor += connection.requestsWithoutForwardedFor
            item.requestsWithoutRemotePort += connection.requestsWithoutRemotePort
            if connection.record.closeReason == .pinMismatch {
                item.pinMismatches += 1
                item.presentedInsteadOfPinned = connection.presented
            }
        }
    }

    package var activeCount: Int { state.withLockedValue { $0.active.count } }
    package var records: [ConnectionRecord] { state.withLockedValue { $0.records } }
    package var forwarding: [ForwardingObservation] {
        state.withLockedValue { Array($0.forwarding.values) }.sorted {
            ($0.listener.port, $0.backend.description) < ($1.listener.port, $1.backend.description)
        }
    }
    var active: [(channel: any Channel, connection: NIOLoopBound<ConnectionState>)] {
        state.withLockedValue { Array($0.active.values) }
    }

    func close() {
        try? report?.synchronize()
        try? report?.close()
    }
}
