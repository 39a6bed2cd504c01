import Foundation
import Restore

#if canImport(Glibc)
import Glibc
#endif

/// The nightly job's metrics, pushed to a Prometheus Pushgateway (`--pushgateway URL`, default
/// `$PROMETHEUS_PUSHGATEWAY_URL`) under the job's grouping key
/// `job/db-backup/database_engine/postgres/database_instance/<DB_HOST>/database_db_name/<DB_DATABASE>/operation/restore`:
/// `db_backup_job_state` (1 started, 2 succeeded, 0 failed), `db_backup_job_status_timestamp_seconds{state}`,
/// `db_backup_job_duration_seconds{state}`, `db_backup_job_file_size_bytes`, and pgreown's own
/// `pgreown_restore_*` figures. A Pushgateway that cannot be reached is logged, never fatal.
final class JobMetrics {
    let url: String
    let instance: String
    let database: String
    let started = Date()
    private let log: (String) -> Void

    init(url: String, instance: String, database: String, log: @escaping (String) -> Void) {
        self.url = url; self.instance = instance; self.database = database; self.log = log
    }

    enum State: String { case started, succeeded, failed }

    /// The grouping key path; a value with a slash (or empty) is base64url-encoded as the
    /// Pushgateway wants it (`label@base64/value`).
    var groupingPath: String {
        let labels = [("job", "db-backup"), ("database_engine", "postgres"), ("database_instance", instance),
                      ("database_db_name", database), ("operation", "restore")]
        return labels.map { k, v in
            if v.isEmpty || v.contains("/") {
                let b = Data(v.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                return "\(k)@base64/\(b.isEmpty ? "=" : b)"
            }
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            return "\(k)/\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v)"
        }.joined(separator: "/")
    }

    /// The text exposition body for a state.
    func body(_ state: State, fileSize: Int64?, report: Restorer.Report?) -> String {
        let now = Date()
        var s = "# TYPE db_backup_job_state gauge\n"
        s += "db_backup_job_state \(state == .started ? 1 : state == .succeeded ? 2 : 0)\n"
        s += "# TYPE db_backup_job_status_timestamp_seconds gauge\n"
        s += "db_backup_job_status_timestamp_seconds{state=\"\(state.rawValue)\"} \(String(format: "%.3f", now.timeIntervalSince1970))\n"
        if state != .started {
            s += "# TYPE db_backup_job_duration_seconds gauge\n"
            s += "db_backup_job_duration_seconds{state=\"\(state.rawValue)\"} \(String(format: "%.3f", now.timeIntervalSince(started)))\n"
        }
        if let fileSize {
            s += "# TYPE db_backup_job_file_size_bytes gauge\ndb_backup_job_file_size_bytes \(fileSize)\n"
        }
        if let r = report {
            s += "# TYPE pgreown_restore_rows gauge\npgreown_restore_rows \(r.tables.compactMap(\.rowsLoaded).reduce(0, +))\n"
            s += "# TYPE pgreown_restore_data_bytes gauge\npgreown_restore_data_bytes \(r.dataBytes)\n"
            s += "# TYPE pgreown_restore_entries gauge\npgreown_restore_entries \(r.entriesRun)\n"
            s += "# TYPE pgreown_restore_phase_seconds gauge\n"
            for (phase, secs) in r.seconds.sorted(by: { $0.key < $1.key }) {
                s += "pgreown_restore_phase_seconds{phase=\"\(phase)\"} \(String(format: "%.3f", secs))\n"
            }
        }
        return s
    }

    /// POST the state's metrics (replacing those of the same names in the group).
    func push(_ state: State, fileSize: Int64? = nil, report: Restorer.Report? = nil) {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        do {
            try HTTP.post(base + "/metrics/" + groupingPath, body: Array(body(state, fileSize: fileSize, report: report).utf8))
            log("pushed state \(state.rawValue) to the Pushgateway")
        } catch {
            log("warning: could not push metrics to \(maskURL(url)): \(error) (the restore goes on)")
        }
    }
}

/// A URL with any password (`user:password@`) masked.
func maskURL(_ url: String) -> String {
    guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at,
          let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
    return String(url[..<url.index(after: colon)]) + "****" + String(url[at...])
}

/// Just enough HTTP/1.1 to POST a body to a plain `http://` URL, with a 10 s timeout.
enum HTTP {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func post(_ url: String, body: [UInt8]) throws {
        guard url.hasPrefix("http://") else { throw Failure(description: "only http:// Pushgateway URLs are supported") }
        let rest = url.dropFirst("http://".count)
        let hostPort = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(hostPort.count)
        let hostPart = hostPort.split(separator: "@").last.map(String.init) ?? String(hostPort)
        var host = hostPart, port = "80"
        if let c = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            host = String(hostPart[..<c]); port = String(hostPart[hostPart.index(after: c)...])
        }
        host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &res) == 0, let first = res else { throw Failure(description: "cannot resolve \(host)") }
        defer { freeaddrinfo(res) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        let head = "POST \(path.isEmpty ? "/" : path) HTTP/1.1\r\nHost: \(hostPort)\r\nContent-Type: text/plain; version=0.0.4\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        for chunk in [Array(head.utf8), body] {
            var off = 0
            while off < chunk.count {
                let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress! + off, chunk.count - off, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { throw Failure(description: "sending to \(host):\(port) failed") }
                off += n
            }
        }
        var buf = [UInt8](repeating: 0, count: 512)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 512, 0) }
        guard n > 0 else { throw Failure(description: "no answer from \(host):\(port)") }
        let status = String(decoding: buf[0..<n], as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        let code = status.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        guard (200..<300).contains(code) else { throw Failure(description: "the Pushgateway answered '\(status)'") }
    }
}
