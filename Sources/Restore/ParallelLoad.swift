import DumpFormat
import Foundation

/// `--jobs N` (docs/restore.md, "Parallel load"), after pg_restore's parallel restore
/// (`restore_toc_entries_prefork`, `restore_toc_entries_parallel`, `pop_next_work_item`,
/// `has_lock_conflicts`, `repoint_table_dependencies`, `identify_locking_dependencies`):
///
/// - **Seekable input** (a custom file with data offsets, a directory): the main connection runs
///   the pre-data part in TOC order while N−1 connections start on table data whose table (and
///   what in pre-data depends on it) is in (`Scheduler.earlyStarts`); then all N run table data
///   (read on demand, each through its own descriptors) and post-data entries in any order their
///   dependencies allow; then the main connection runs the ACL and post-ACL passes.
/// - **A stream** (a pipe, tar): the main connection runs pre-data and the table data in stream
///   order, while N−1 other connections run post-data entries (indexes, constraints, …) as soon
///   as the tables they need are loaded; when the stream ends the main connection joins them.
///
/// An entry is ready when every entry it depends on that this restore still has to run is done.
/// Post-data entries that depend on a table wait for that table's data (the dependency is
/// repointed to the TABLE DATA entry), and two post-data entries other than indexes that lock the
/// same table never run at once. The first error on any connection stops every connection
/// (running statements are cancelled) and is the run's error.
final class ParallelLoad: @unchecked Sendable {
    private let restorer: Restorer
    private let source: DumpSource
    private let entries: [TOCEntry]
    private let plan: RestorePlan
    private let main: (conn: Connection, sink: ConnectionSink, emitter: SQLEmitter)
    private let created: Set<Int>?
    private let jobs: Int
    private let dataReader: EntryDataReader?
    private let scheduler: Scheduler
    private(set) var workerSinks: [ConnectionSink] = []
    private(set) var workerAuditors: [CompletenessAuditor] = []
    private var connections: [Connection] = []
    private let connectionsLock = NSLock()

    init(restorer: Restorer, source: DumpSource, entries: [TOCEntry], main: (Connection, ConnectionSink, SQLEmitter),
         created: Set<Int>?, jobs: Int) throws {
        self.restorer = restorer
        self.source = source
        self.entries = entries
        self.main = (main.0, main.1, main.2)
        self.created = created
        self.jobs = jobs
        dataReader = try source.dataOnDemand()
        guard let header = try source.readTOC()?.header else {
            throw DumpError(.internalError, file: source.name, "internal: a parallel restore needs an archive")
        }
        let version = SQLEmitter.version(for: header, options: .init(selection: restorer.options.selection))
        plan = RestorePlan(entries: entries, version: version, selection: restorer.options.selection)
        scheduler = Scheduler(plan: plan, deferred: Self.deferred(plan, dataOnDemand: dataReader != nil),
                              dataSizes: dataReader?.dataSizes() ?? [:], dataSlots: Self.dataSlots(jobs: jobs))
        connections = [main.0]
    }

    /// Data loads at once from a seekable input: half the connections (at least one), so the
    /// others build the indexes and constraints of what is loaded, as a stream's load does.
    static func dataSlots(jobs: Int) -> Int { max(1, jobs / 2) }

    /// The main-pass entries left to the workers: from a seekable input, data and post-data (and
    /// the section-less entries after the first of them); from a stream, post-data only.
    static func deferred(_ plan: RestorePlan, dataOnDemand: Bool) -> Set<Int> {
        var out = Set<Int>()
        var skippedSome = false
        for i in plan.entries.indices where plan.passes[i] == .main && !plan.parts[i].isEmpty {
            switch plan.entries[i].section {
            case .data where dataOnDemand, .postData:
                out.insert(i)
                skippedSome = true
            case .none where skippedSome:
                out.insert(i)
            default:
                break
            }
        }
        return out
    }

    func run(auditor: CompletenessAuditor, ticker: DumpVisitor, readAhead: ReadAhead) throws {
        let header = try source.readTOC()?.header
        let emitter = main.emitter
        emitter.deferEntry = { [scheduler] i in scheduler.isDeferred(i) }
        // A worker's error (workers run while the main connection is still in pre-data) stops the
        // main walk at its next entry.
        emitter.onEntryDone = { [scheduler] i in
            scheduler.finished(i)
            if let e = scheduler.failure { throw e }
        }
        var threads: [Thread] = []
        let group = DispatchGroup()
        func startWorkers(_ n: Int) throws {
            for _ in 0..<n {
                let (conn, sink) = try restorer.openSession(created)
                sink.inputName = source.name
                let w = SQLEmitter(sink: sink, entries: entries,
                                   options: .init(targetServerMajor: conn.serverVersion / 10000, selection: restorer.options.selection),
                                   inputName: source.name)
                if let header { try w.header(header, format: source.format) }
                let a = CompletenessAuditor(fileName: source.name, keepEntries: false)
                a.standardConformingStrings = entries.standardConformingStrings
                connectionsLock.lock()
                connections.append(conn)
                workerSinks.append(sink)
                workerAuditors.append(a)
                connectionsLock.unlock()
                group.enter()
                let job = Job(emitter: w, auditor: a, connection: conn)
                let t = Thread { [self] in
                    work(job.emitter, job.auditor)
                    job.connection.close()
                    group.leave()
                }
                t.stackSize = 4 << 20
                threads.append(t)
                t.start()
            }
        }
        // The main connection joins the pool once its own walk reaches the later passes.
        emitter.beforeLaterPasses = { [self] in
            work(emitter, auditor)
            group.wait()
            if let e = scheduler.failure { throw e }
        }
        do {
            if dataReader != nil {
                // Pre-data on the main connection, everything else from the pool; the workers
                // start at once, for the table data that need not wait for all of pre-data.
                try startWorkers(jobs - 1)
                if let header { try emitter.header(header, format: source.format) }
                try emitter.finish(totalBytes: 0)
            } else {
                try startWorkers(jobs - 1)
                try readAhead.run(source, into: TeeVisitor([auditor, emitter, ticker]), poll: Interrupt.check)
            }
        } catch {
            scheduler.fail(error)
            cancelAll()
            group.wait()
            throw scheduler.failure ?? error
        }
        restorer.log("parallel load: \(jobs) connections, \(scheduler.deferredCount) entries in parallel (\(dataReader != nil ? "data read on demand" : "data in stream order on one connection"))")
    }

    /// Take ready entries until none is left or something failed.
    private func work(_ emitter: SQLEmitter, _ auditor: CompletenessAuditor) {
        while let i = scheduler.take() {
            do {
                try emitter.runEntry(i, data: dataReader, auditor: auditor)
                scheduler.finished(i)
            } catch {
                scheduler.fail(error)
                cancelAll()
                return
            }
        }
    }

    /// Cancel whatever every connection is running (the first error stops them all).
    private func cancelAll() {
        connectionsLock.lock()
        let all = connections
        connectionsLock.unlock()
        for c in all { c.cancel() }
    }
}

/// The ready queue of a parallel restore (pure bookkeeping under one lock).
final class Scheduler: @unchecked Sendable {
    private let cond = NSCondition()
    private let plan: RestorePlan
    private let deferredSet: Set<Int>
    /// Deferred entries not yet taken, in TOC order.
    private var pool: [Int]
    /// dumpIds this restore still has to run (deferred or not).
    private var outstanding: Set<Int>
    /// Entries being run, with the tables they lock.
    private var running: [Int: Set<Int>] = [:]
    /// Per entry: the dumpIds it waits for (repointed), and the tables it locks.
    private let waitsFor: [Int: [Int]]
    private let locks: [Int: Set<Int>]
    /// The pre-data part still to run: nothing deferred starts before it is all done (a table's
    /// partitions are attached in pre-data; an index on the parent built earlier would create the
    /// partitions' indexes itself), except the table data of `earlyData`.
    private var preData: Set<Int>
    /// Table data that may start before the pre-data part ends: per entry, the pre-data dumpIds it
    /// waits for (see `earlyStarts`).
    private let earlyData: [Int: Set<Int>]
    /// At most this many data loads (COPY, large objects) at once, taken in TOC order as a stream
    /// holds them, while the other connections build the post-data (indexes, constraints) of what
    /// is loaded, biggest first: the schedule of a stream's load, which measured fastest on 2
    /// cores (two COPYs side by side, or the biggest table first with the other connection idle
    /// beside it, both lost to it).
    private let dataSlots: Int
    private var dataRunning = 0
    private(set) var failure: Error?

    /// - Parameter dataSizes: stored data size by dumpId, when known: the pool is taken biggest
    ///   first (a post-data entry weighs what the data it waits for weighs), as pg_restore orders
    ///   its ready list, so the longest chain of work starts first; otherwise in TOC order.
    init(plan: RestorePlan, deferred: Set<Int>, dataSizes: [Int: Int64] = [:], dataSlots: Int = .max) {
        self.plan = plan
        self.dataSlots = max(1, dataSlots)
        deferredSet = deferred
        pool = deferred.sorted()
        outstanding = Set(plan.entries.indices.filter { plan.passes[$0] == .main && !plan.parts[$0].isEmpty }.map { plan.entries[$0].dumpId })
        // repoint_table_dependencies: a post-data entry waits for its table's data.
        var tableData: [Int: Int] = [:]
        for e in plan.entries where e.desc == "TABLE DATA" {
            if let table = e.dependencies.first, plan.position[e.dumpId].map({ !plan.parts[$0].isEmpty }) == true { tableData[table] = e.dumpId }
        }
        var waits: [Int: [Int]] = [:]
        var locks: [Int: Set<Int>] = [:]
        for i in deferred {
            let e = plan.entries[i]
            let deps = e.section == .postData ? e.dependencies.map { tableData[$0] ?? $0 } : e.dependencies
            waits[i] = deps
            // identify_locking_dependencies: post-data entries other than indexes lock the
            // tables (or their data entries) they depend on.
            if e.section == .postData && e.desc != "INDEX" {
                locks[i] = Set(deps.filter { d in
                    plan.position[d].map { ["TABLE", "TABLE DATA"].contains(plan.entries[$0].desc) } ?? false
                })
            }
        }
        // Row-level security is enabled after the foreign keys that touch its table: with FORCE
        // (set in the TABLE entry), validating a foreign key as the owner with row_security off
        // fails once RLS is on. pg_dump's order has every FK CONSTRAINT before ROW SECURITY; a
        // parallel restore must keep it.
        var fkByTable: [Int: [Int]] = [:]
        func table(_ d: Int) -> Int? {
            guard let k = plan.position[d] else { return nil }
            let e = plan.entries[k]
            if e.desc == "TABLE" { return d }
            return ["CONSTRAINT", "INDEX"].contains(e.desc) ? e.dependencies.first : nil
        }
        for e in plan.entries where e.desc == "FK CONSTRAINT" && outstanding.contains(e.dumpId) {
            for t in Set(e.dependencies.compactMap(table)) { fkByTable[t, default: []].append(e.dumpId) }
        }
        for i in deferred where plan.entries[i].desc == "ROW SECURITY" {
            guard let t = plan.entries[i].dependencies.first, let fks = fkByTable[t] else { continue }
            waits[i, default: []] += fks
        }
        waitsFor = waits
        self.locks = locks
        if !dataSizes.isEmpty {
            let weight: [Int: Int64] = Dictionary(uniqueKeysWithValues: deferred.map { i in
                (i, max(dataSizes[plan.entries[i].dumpId] ?? 0, (waits[i] ?? []).map { dataSizes[$0] ?? 0 }.max() ?? 0))
            })
            // With data slots: the data first, in TOC order (the stream's), then post-data heaviest
            // first. Without (every connection may load data): pg_restore's order, heaviest first.
            if self.dataSlots == .max {
                pool.sort { a, b in (weight[a] ?? 0, -a) > (weight[b] ?? 0, -b) }
            } else {
                pool.sort { a, b in
                    let da = plan.expectsData(a), db = plan.expectsData(b)
                    if da != db { return da }
                    return da ? a < b : (weight[a] ?? 0, -a) > (weight[b] ?? 0, -b)
                }
            }
        }
        var pre = Set<Int>()
        for i in plan.entries.indices where plan.passes[i] == .main && !plan.parts[i].isEmpty {
            let section = plan.entries[i].section
            if section == .data || section == .postData { break }
            pre.insert(plan.entries[i].dumpId)
        }
        preData = pre
        earlyData = Self.earlyStarts(plan, deferred: deferred, preData: pre)
    }

    /// Table data that need not wait for the whole pre-data part, so the biggest table's COPY
    /// overlaps the rest of the schema (pg_restore waits for all of it): a `TABLE DATA` entry whose
    /// table this restore creates waits for that `TABLE` entry and for every pre-data entry that
    /// depends on it, directly or not (a view, a default, a comment, a partition's ATTACH, an
    /// inheritance child, a sequence's OWNED BY): those lock the table, which a COPY in one
    /// transaction after a TRUNCATE holds exclusively until it ends. Data loaded through the
    /// partition root (its rows go to partitions created anywhere in pre-data) and any other data
    /// entry wait for the whole pre-data part.
    static func earlyStarts(_ plan: RestorePlan, deferred: Set<Int>, preData: Set<Int>) -> [Int: Set<Int>] {
        var dependents: [Int: [Int]] = [:]
        for i in plan.entries.indices where preData.contains(plan.entries[i].dumpId) {
            for d in plan.entries[i].dependencies where preData.contains(d) { dependents[d, default: []].append(plan.entries[i].dumpId) }
        }
        var out: [Int: Set<Int>] = [:]
        for i in deferred {
            let e = plan.entries[i]
            guard e.desc == "TABLE DATA", e.dependencies.count == 1, let table = e.dependencies.first, preData.contains(table),
                  let t = plan.position[table], plan.entries[t].desc == "TABLE",
                  !e.loadsViaPartitionRoot else { continue }
            var waits: Set<Int> = [table]
            var stack = [table]
            while let d = stack.popLast() {
                for x in dependents[d] ?? [] where waits.insert(x).inserted { stack.append(x) }
            }
            out[i] = waits
        }
        return out
    }

    var deferredCount: Int { deferredSet.count }
    func isDeferred(_ i: Int) -> Bool { deferredSet.contains(i) }

    /// The next ready entry, waiting while none is; nil when the pool is empty or a run failed.
    func take() -> Int? {
        cond.lock()
        defer { cond.unlock() }
        while true {
            if failure != nil || pool.isEmpty { return nil }
            // With data slots, the pool holds the data first: a free slot is filled before the
            // heaviest ready post-data is taken, so the data keeps flowing.
            if let k = pool.firstIndex(where: isReady) {
                let i = pool.remove(at: k)
                running[i] = locks[i] ?? []
                if plan.expectsData(i) { dataRunning += 1 }
                return i
            }
            cond.wait()
        }
    }

    /// The pool entries that could be taken now (for tests and diagnostics).
    func readyNow() -> [Int] {
        cond.lock()
        defer { cond.unlock() }
        return pool.filter(isReady)
    }

    private func isReady(_ i: Int) -> Bool {
        if dataRunning >= dataSlots && plan.expectsData(i) { return false }
        if let early = earlyData[i] {
            if !early.isDisjoint(with: preData) { return false }
        } else if !preData.isEmpty {
            return false
        }
        for d in waitsFor[i] ?? [] where outstanding.contains(d) { return false }
        let mine = locks[i] ?? []
        if mine.isEmpty { return true }
        return !running.values.contains { !$0.isDisjoint(with: mine) }
    }

    /// Entry `i` is done (on any connection).
    func finished(_ i: Int) {
        cond.lock()
        outstanding.remove(plan.entries[i].dumpId)
        preData.remove(plan.entries[i].dumpId)
        if running.removeValue(forKey: i) != nil && plan.expectsData(i) { dataRunning -= 1 }
        cond.broadcast()
        cond.unlock()
    }

    func fail(_ error: Error) {
        cond.lock()
        if failure == nil { failure = error }
        cond.broadcast()
        cond.unlock()
    }
}

/// One worker's connection, emitter and auditor, handed to its thread (used by that thread only).
private final class Job: @unchecked Sendable {
    let emitter: SQLEmitter
    let auditor: CompletenessAuditor
    let connection: Connection
    init(emitter: SQLEmitter, auditor: CompletenessAuditor, connection: Connection) {
        self.emitter = emitter; self.auditor = auditor; self.connection = connection
    }
}
