import Foundation

/// Reading and decompression on a thread of their own (docs/restore.md, "Reading and COPY transport"): a reader thread runs
/// `source.read` and hands each event to the calling thread through a queue holding at most
/// `maxBytes` of data, so inflating the next block overlaps sending the last one to the server.
/// The calling thread runs the visitor, in the order the events were read.
///
/// An error on either side stops both: the reader's error (a truncated archive, say) reaches the
/// caller after the events read before it; the visitor's error stops the reader at its next event.
/// `poll` runs on the calling thread while it waits (a signal: throw), so a stalled pipe cannot
/// keep a cancelled restore waiting; a reader still blocked in `read(2)` then is left behind.
public final class ReadAhead: @unchecked Sendable {
    fileprivate enum Event {
        case header(ArchiveHeader, DumpFormatKind)
        case entry(TOCEntry)
        case beginData(TOCEntry)
        case data([UInt8])
        case beginLargeObject(UInt32)
        case endLargeObject(UInt32)
        case endData(TOCEntry)
        case finish(Int64)
        case failed(Error)
    }

    fileprivate struct Cancelled: Error {}

    private let cond = NSCondition()
    private var queue: [Event] = []
    private var queuedBytes = 0
    private var cancelled = false
    private var readerDone = false
    private var lastProgress: (read: Int64, size: Int64?)?
    private let maxBytes: Int
    /// Data events are merged up to this size (fewer hand-overs, fewer COPY messages).
    private let mergeBytes: Int

    public init(maxBytes: Int = 8 << 20, mergeBytes: Int = 256 << 10) {
        self.maxBytes = max(maxBytes, 1)
        self.mergeBytes = mergeBytes
    }

    /// The input read so far and its size, as of the last event handed over (any thread).
    public var inputProgress: (read: Int64, size: Int64?)? {
        cond.lock()
        defer { cond.unlock() }
        return lastProgress
    }

    /// Read `source` (everything, data included) on a reader thread into `visitor` on this one.
    public func run(_ source: DumpSource, into visitor: DumpVisitor, poll: () throws -> Void = {}) throws {
        let job = ReaderJob(source: source, owner: self)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            job.run()
            finished.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
        do {
            try drain(into: visitor, poll: poll)
        } catch {
            cancel()
            // The reader stops at its next event; one blocked in read(2) is not waited for long.
            _ = finished.wait(timeout: .now() + 2)
            throw error
        }
        finished.wait()
    }

    private func drain(into visitor: DumpVisitor, poll: () throws -> Void) throws {
        while true {
            cond.lock()
            while queue.isEmpty && !readerDone {
                if !cond.wait(until: Date(timeIntervalSinceNow: 0.2)) {
                    cond.unlock()
                    try poll()
                    cond.lock()
                }
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
            let done = readerDone
            cond.broadcast()
            cond.unlock()
            for event in batch {
                switch event {
                case .header(let h, let f): try visitor.header(h, format: f)
                case .entry(let e): try visitor.entry(e)
                case .beginData(let e): try visitor.beginData(e)
                case .data(let bytes): try bytes.withUnsafeBytes { try visitor.data($0) }
                case .beginLargeObject(let oid): try visitor.beginLargeObject(oid: oid)
                case .endLargeObject(let oid): try visitor.endLargeObject(oid: oid)
                case .endData(let e): try visitor.endData(e)
                case .finish(let n): try visitor.finish(totalBytes: n)
                case .failed(let error): throw error
                }
            }
            if done && batch.isEmpty { return }
        }
    }

    private func cancel() {
        cond.lock()
        cancelled = true
        queue.removeAll()
        queuedBytes = 0
        cond.broadcast()
        cond.unlock()
    }

    /// Reader side: queue an event, waiting while the queue is full; throws once cancelled.
    fileprivate func put(_ event: Event, progress: (read: Int64, size: Int64?)?) throws {
        cond.lock()
        defer { cond.unlock() }
        if case .data(let bytes) = event {
            while queuedBytes >= maxBytes && !cancelled { cond.wait() }
            if cancelled { throw Cancelled() }
            queuedBytes += bytes.count
        } else if cancelled {
            throw Cancelled()
        }
        queue.append(event)
        lastProgress = progress
        cond.broadcast()
    }

    fileprivate func readerFinished(_ error: Error?) {
        cond.lock()
        if let error, !(error is Cancelled) { queue.append(.failed(error)) }
        readerDone = true
        cond.broadcast()
        cond.unlock()
    }

    /// The reader thread's side: runs `source.read`, queuing every event; data is merged into
    /// pieces of up to `mergeBytes` before it is handed over.
    private final class ReaderJob: DumpVisitor, @unchecked Sendable {
        let source: DumpSource
        let owner: ReadAhead
        private var pending: [UInt8] = []
        init(source: DumpSource, owner: ReadAhead) {
            self.source = source; self.owner = owner
            pending.reserveCapacity(owner.mergeBytes)
        }

        func run() {
            do {
                try source.read(self, data: true)
                owner.readerFinished(nil)
            } catch {
                owner.readerFinished(error)
            }
        }

        private func put(_ event: Event) throws {
            try flush()
            try owner.put(event, progress: source.progress)
        }

        private func flush() throws {
            guard !pending.isEmpty else { return }
            let piece = pending
            pending.removeAll(keepingCapacity: true)
            try owner.put(.data(piece), progress: source.progress)
        }

        func header(_ header: ArchiveHeader, format: DumpFormatKind) throws { try put(.header(header, format)) }
        func entry(_ entry: TOCEntry) throws { try put(.entry(entry)) }
        func beginData(_ entry: TOCEntry) throws { try put(.beginData(entry)) }
        func data(_ bytes: UnsafeRawBufferPointer) throws {
            if pending.count + bytes.count > owner.mergeBytes { try flush() }
            if bytes.count >= owner.mergeBytes {
                try owner.put(.data(Array(bytes)), progress: source.progress)
            } else {
                pending.append(contentsOf: bytes)
            }
        }
        func beginLargeObject(oid: UInt32) throws { try put(.beginLargeObject(oid)) }
        func endLargeObject(oid: UInt32) throws { try put(.endLargeObject(oid)) }
        func endData(_ entry: TOCEntry) throws { try put(.endData(entry)) }
        func finish(totalBytes: Int64) throws { try put(.finish(totalBytes)) }
    }
}
