import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A restore stopped by SIGTERM or SIGINT (exit 128 + the signal: 143, 130).
public struct Interrupted: Error, CustomStringConvertible, Sendable {
    public var signal: Int32
    public var description: String { "interrupted by \(signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)")" }
}

/// SIGTERM and SIGINT during a restore: the signal is noted, every load session's running
/// statement is cancelled (PQcancel), and the load stops at its next entry or COPY chunk, so the
/// ordinary failure path drops the scratch database and leaves the live one untouched.
public enum Interrupt {
    private static let received = Atomic<Int32>(0)
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sessions: [WeakConnection] = []
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    private final class WeakConnection { weak var connection: Connection?; init(_ c: Connection) { connection = c } }

    /// The signal received, if any.
    public static var signal: Int32? {
        let v = received.load(ordering: .acquiring)
        return v == 0 ? nil : v
    }

    /// Handle SIGTERM and SIGINT from now on (instead of dying at once).
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGTERM, SIGINT] {
            _ = Glibc.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { request(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Note the signal and cancel what every registered session is running.
    public static func request(_ sig: Int32) {
        _ = received.compareExchange(expected: 0, desired: sig, ordering: .acquiringAndReleasing)
        lock.lock()
        let live = sessions.compactMap(\.connection)
        lock.unlock()
        for c in live { c.cancel() }
    }

    /// A load session to cancel on a signal.
    static func register(_ c: Connection) {
        lock.lock()
        sessions.removeAll { $0.connection == nil }
        sessions.append(WeakConnection(c))
        lock.unlock()
    }

    /// Throws `Interrupted` once a signal has arrived.
    static func check() throws {
        if let s = signal { throw Interrupted(signal: s) }
    }
}
