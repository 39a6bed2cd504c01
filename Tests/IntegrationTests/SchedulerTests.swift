import DumpFormat
@testable import Restore
import Testing

/// The parallel restore's ready queue, without a server: dependencies (repointed to table data),
/// lock conflicts, the pre-data barrier and biggest-first order.
@Suite struct SchedulerTests {
    static func entry(_ id: Int, _ desc: String, _ section: Section, deps: [Int] = [], hasData: Bool = false) -> TOCEntry {
        TOCEntry(dumpId: id, hadDumper: hasData, tag: Array("e\(id)".utf8), desc: desc, section: section,
                 defn: hasData ? [] : Array("SQL;".utf8), dependencies: deps, location: hasData ? .offset(Int64(id) * 100) : .none)
    }

    // Tables 1 and 2 (pre-data), their data 3 and 4, an index on 1 (5), an FK on 2 → 1 (6), a
    // constraint on 1 (7).
    static let entries = [
        entry(1, "TABLE", .preData), entry(2, "TABLE", .preData),
        entry(3, "TABLE DATA", .data, deps: [1], hasData: true), entry(4, "TABLE DATA", .data, deps: [2], hasData: true),
        entry(5, "INDEX", .postData, deps: [1]), entry(6, "FK CONSTRAINT", .postData, deps: [2, 7]), entry(7, "CONSTRAINT", .postData, deps: [1]),
    ]

    @Test func dependenciesLocksAndOrder() {
        let plan = RestorePlan(entries: Self.entries, version: .init(major: 17, minor: 6))
        let deferred = ParallelLoad.deferred(plan, dataOnDemand: true)
        #expect(deferred == [2, 3, 4, 5, 6])
        let s = Scheduler(plan: plan, deferred: deferred, dataSizes: [3: 10, 4: 1000])
        // Nothing before the pre-data part is done.
        s.finished(0)
        s.finished(1)
        // Biggest first: table data 4 (1000 bytes) before 3 (10).
        #expect(s.take() == 3)
        #expect(s.take() == 2)
        // 5 and 7 wait for 3 (their table's data); 6 waits for 4 and 7.
        s.finished(2)
        let a = s.take(), b = s.take()
        #expect(Set([a, b]) == [4, 6])   // the index and the constraint on table 1
        // The constraint (index 6) locks table 1's data: the FK (index 5) also locks tables, but waits for 7 anyway.
        s.finished(3)
        s.finished(6)
        s.finished(4)
        #expect(s.take() == 5)
        s.finished(5)
        #expect(s.take() == nil)
    }

    /// Table data starts while pre-data still runs once its table and everything in pre-data that
    /// depends on the table are in; data loaded through the partition root, and post-data, wait
    /// for all of pre-data.
    @Test func tableDataStartsBeforePreDataEndsOnceItsTableIsIn() {
        var viaRoot = Self.entry(7, "TABLE DATA", .data, deps: [4], hasData: true)
        viaRoot.defn = Array("-- load via partition root public.parent\n".utf8)
        let entries = [
            Self.entry(1, "TABLE", .preData), Self.entry(2, "TABLE", .preData),
            Self.entry(3, "VIEW", .preData, deps: [2]), Self.entry(9, "COMMENT", .preData, deps: [3]),
            Self.entry(4, "TABLE", .preData),
            Self.entry(5, "TABLE DATA", .data, deps: [1], hasData: true), Self.entry(6, "TABLE DATA", .data, deps: [2], hasData: true),
            viaRoot, Self.entry(8, "INDEX", .postData, deps: [1]),
        ]
        let plan = RestorePlan(entries: entries, version: .init(major: 17, minor: 6))
        let deferred = ParallelLoad.deferred(plan, dataOnDemand: true)
        #expect(deferred == [5, 6, 7, 8])
        let s = Scheduler(plan: plan, deferred: deferred)
        #expect(s.readyNow() == [])
        s.finished(0)                        // TABLE 1: its data may start
        #expect(s.readyNow() == [5])
        #expect(s.take() == 5)
        s.finished(1)                        // TABLE 2: a view on it (and a comment on the view) still to come
        #expect(s.readyNow() == [])
        s.finished(2)
        #expect(s.readyNow() == [])
        s.finished(3)                        // the view's comment: now table 2's data
        #expect(s.readyNow() == [6])
        s.finished(5)
        // The index waits for the end of pre-data even though its table's data is in.
        #expect(s.readyNow() == [6])
        s.finished(4)                        // TABLE 4, the last of pre-data
        #expect(Set(s.readyNow()) == [6, 7, 8])
    }

    @Test func twoEntriesLockingOneTableNeverRunTogether() {
        let entries = [Self.entry(1, "TABLE", .preData), Self.entry(2, "TABLE DATA", .data, deps: [1], hasData: true),
                       Self.entry(3, "CONSTRAINT", .postData, deps: [1]), Self.entry(4, "TRIGGER", .postData, deps: [1])]
        let plan = RestorePlan(entries: entries, version: .init(major: 17, minor: 6))
        let s = Scheduler(plan: plan, deferred: ParallelLoad.deferred(plan, dataOnDemand: true))
        s.finished(0)
        #expect(s.take() == 1)
        s.finished(1)
        #expect(s.take() == 2)
        // The TRIGGER locks the same table as the running CONSTRAINT: not ready until it ends.
        #expect(s.readyNow() == [])
        s.finished(2)
        #expect(s.readyNow() == [3])
        // A failure empties the queue for everyone.
        s.fail(CancellationError())
        #expect(s.take() == nil)
    }

    /// From a file, at most half the connections load data at once, in TOC order as a stream holds
    /// it, while the others build the post-data of what is loaded, heaviest first.
    @Test func dataFlowsAsAStreamBesideThePostData() {
        #expect(ParallelLoad.dataSlots(jobs: 1) == 1 && ParallelLoad.dataSlots(jobs: 2) == 1 && ParallelLoad.dataSlots(jobs: 4) == 2)
        // Tables 1, 2, 3; their data 4, 5 (the biggest), 6; an index on table 1 (7).
        let entries = [
            Self.entry(1, "TABLE", .preData), Self.entry(2, "TABLE", .preData), Self.entry(3, "TABLE", .preData),
            Self.entry(4, "TABLE DATA", .data, deps: [1], hasData: true), Self.entry(5, "TABLE DATA", .data, deps: [2], hasData: true),
            Self.entry(6, "TABLE DATA", .data, deps: [3], hasData: true), Self.entry(7, "INDEX", .postData, deps: [1]),
        ]
        let plan = RestorePlan(entries: entries, version: .init(major: 17, minor: 6))
        let s = Scheduler(plan: plan, deferred: ParallelLoad.deferred(plan, dataOnDemand: true), dataSizes: [4: 10, 5: 1000, 6: 100],
                          dataSlots: ParallelLoad.dataSlots(jobs: 2))
        for i in 0..<3 { s.finished(i) }
        #expect(s.take() == 3)               // TOC order, not the biggest first
        #expect(s.readyNow() == [])          // the next data waits for the slot
        s.finished(3)
        #expect(Set(s.readyNow()) == [4, 5, 6]) // the rest of the data, and the index on table 1
        #expect(s.take() == 4)               // the data keeps flowing
        #expect(s.take() == 6)               // the index beside it
        #expect(s.readyNow() == [])
        // Without the cap (pg_restore's schedule), the biggest data goes first.
        let free = Scheduler(plan: plan, deferred: ParallelLoad.deferred(plan, dataOnDemand: true), dataSizes: [4: 10, 5: 1000, 6: 100])
        for i in 0..<3 { free.finished(i) }
        #expect(free.take() == 4)
    }

    /// ROW SECURITY (RLS enabled) waits for every foreign key on or to its table: with FORCE ROW
    /// LEVEL SECURITY the owner cannot validate a foreign key once RLS is on (pg_dump's order).
    @Test func rowSecurityWaitsForTheForeignKeysOfItsTable() {
        // Tables 1 and 2, their data 3 and 4, the primary key of 1 (5), an FK from 2 to 1 (6,
        // depending on table 2 and the key 5), ROW SECURITY on 1 (7) and on 2 (8).
        let entries = [
            Self.entry(1, "TABLE", .preData), Self.entry(2, "TABLE", .preData),
            Self.entry(3, "TABLE DATA", .data, deps: [1], hasData: true), Self.entry(4, "TABLE DATA", .data, deps: [2], hasData: true),
            Self.entry(5, "CONSTRAINT", .postData, deps: [1]), Self.entry(6, "FK CONSTRAINT", .postData, deps: [2, 5]),
            Self.entry(7, "ROW SECURITY", .postData, deps: [1]), Self.entry(8, "ROW SECURITY", .postData, deps: [2]),
        ]
        let plan = RestorePlan(entries: entries, version: .init(major: 17, minor: 6))
        let s = Scheduler(plan: plan, deferred: ParallelLoad.deferred(plan, dataOnDemand: true))
        s.finished(0)
        s.finished(1)
        #expect(s.take() == 2)
        #expect(s.take() == 3)
        s.finished(2)
        s.finished(3)
        // Data in: the key is ready, RLS on neither table (the FK touches both).
        #expect(s.readyNow() == [4])
        #expect(s.take() == 4)
        s.finished(4)
        #expect(s.readyNow() == [5])
        #expect(s.take() == 5)
        s.finished(5)
        #expect(Set(s.readyNow()) == [6, 7])
    }
}
