import CertLint
import Foundation

/// One client connection through the staging proxy, as written to `--report` (one JSON object per line).
package struct ConnectionRecord: Codable, Sendable, Hashable {
    package enum CloseReason: String, Codable, Sendable {
        /// Both sides finished (or one closed and the other followed).
        case completed
        case clientReset = "client-reset"
        case backendReset = "backend-reset"
        case backendUnreachable = "backend-unreachable"
        /// The backend presented another certificate than the pinned service certificate.
        case pinMismatch = "pin-mismatch"
        case clientNotTLS = "client-not-tls"
        case clientHandshakeFailed = "client-handshake-failed"
        case handshakeTimeout = "handshake-timeout"
        case idleTimeout = "idle-timeout"
        case connectionLimit = "connection-limit"
        /// Closed when the proxy stopped and the drain timeout ran out.
        case drained
    }
    package var id: Int
    package var started: Date
    package var ended: Date?
    /// The load balancer's port for this listener (443, 5262…) and the mode the proxy reproduced.
    package var listenerPort: Int
    package var mode: String
    package var client: String
    /// The server name of the client's TLS ClientHello.
    package var sni: String?
    /// `wsa1.example.dmz:443 at 10.0.0.11:443`.
    package var backend: String?
    package var backendCertificateSHA256: String?
    package var backendCertificate: String?
    /// `pinned certificate presented`, `not verified (the LB configuration does not verify)`, or why it was refused.
    package var verdict: String?
    package var bytesFromClient = 0
    package var bytesToClient = 0
    package var requests = 0
    package var closeReason: CloseReason?
    /// What went wrong, in the system's or TLS library's words.
    package var detail: String?

    /// The record as `--report` writes it: every text field through the `Redactor`.
    func redacted() -> ConnectionRecord {
        var copy = self
        copy.sni = sni.map(Redactor.redact)
        copy.backend = backend.map(Redactor.redact)
        copy.backendCertificate = backendCertificate.map(Redactor.redact)
        copy.verdict = verdict.map(Redactor.redact)
        copy.detail = detail.map(Redactor.redact)
        return copy
    }
}

/// The mutable record of a live connection. Touched only on the connection's event loop (the
/// backend channel runs on the same loop).
final class ConnectionState {
    var record: ConnectionRecord
    let listener: PlannedListener
    var backend: PlannedBackend?
    /// Requests sent to the backend without the headers the LB configuration does not insert.
    var requestsWithoutForwardedFor = 0
    var requestsWithoutRemotePort = 0
    var presented: CertificateInfo?
    var failures: [(PlannedBackend, String)] = []

    init(record: ConnectionRecord, listener: PlannedListener) {
        self.record = record
        self.listener = listener
    }

    /// The first reason wins: the rest are consequences.
    func close(_ reason: ConnectionRecord.CloseReason, _ detail: String? = nil) {
        guard record.closeReason == nil else { return }
        record.closeReason = reason
        record.detail = detail
    }
}

@available(*, unavailable)
extension ConnectionState: Sendable {}
