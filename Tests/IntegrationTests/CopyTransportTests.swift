import Foundation
@testable import Restore
import Testing

/// How COPY data leaves the client (`Connection`): a widened Unix socket, or a sender thread and
/// its queue where the kernel keeps the socket small; either way the server gets exactly the
/// bytes, errors come back with their SQLSTATE, and closing mid-COPY never hangs.
@Suite(.enabled(if: serverAvailable, "needs scripts/with-pg (PGREOWN_TEST_PG=1)"), .serialized)
struct CopyTransportTests {
    func makeDatabase(_ admin: Connection) throws -> String {
        let db = "ct_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE DATABASE \(db) TEMPLATE template0")
        return db
    }

    /// `count` rows "id<TAB>payload" whose payloads vary in length (1 to 2,000 bytes).
    func rows(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 1_100)
        for i in 1...count {
            out += Array("\(i)\t".utf8)
            out += [UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: 1 + (i * 7919) % 2_000)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Put `data` in pieces of the given sizes, cycling through them.
    func put(_ c: Connection, _ data: [UInt8], pieces: [Int]) throws {
        var off = 0, k = 0
        while off < data.count {
            let n = min(pieces[k % pieces.count], data.count - off)
            try data.withUnsafeBytes { try c.putCopyData(UnsafeRawBufferPointer(rebasing: $0[off..<(off + n)])) }
            off += n
            k += 1
        }
    }

    @Test func aUnixSocketIsWidenedWhereTheKernelAllowsElseItGetsASender() throws {
        // Linux grants min(request, net.core.wmem_max) and reports twice that.
        let text = try String(contentsOfFile: "/proc/sys/net/core/wmem_max", encoding: .utf8)
        let wmemMax = try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        let c = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        defer { c.close() }
        let widened = 2 * min(Connection.socketBufferBytes, wmemMax) >= Connection.socketBufferBytes
        #expect(c.copyQueueBytes == (widened ? 0 : 1 << 20))
    }

    @Test func everyQueueSizeLoadsTheSameBytes() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        defer { _ = try? admin.query("DROP DATABASE \(db) WITH (FORCE)") }
        let data = rows(20_000)   // about 20 MB
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        defer { c.close() }
        // 0: from the calling thread; 64 KiB: a queue smaller than most pieces (put waits on the
        // sender); 1 MiB: the sender's size.
        let queues = [0, 64 << 10, 1 << 20]
        for q in queues {
            c.copyQueueBytes = q
            try c.query("CREATE TABLE t\(q) (id int PRIMARY KEY, payload text NOT NULL)")
            try c.beginCopy(Array("COPY t\(q) FROM STDIN".utf8))
            try put(c, data, pieces: [1, 7, 100_003, 300_000, 65_536, 4_096])
            #expect(try c.endCopy() == 20_000)
        }
        let digests = try queues.map { q in
            try c.query("SELECT count(*), md5(string_agg(id || ':' || payload, ',' ORDER BY id)) FROM t\(q)")
        }
        #expect(digests[0][0][0] == "20000")
        #expect(digests[1] == digests[0])
        #expect(digests[2] == digests[0])
    }

    @Test func aServerErrorComesBackThroughTheSenderAndTheConnectionGoesOn() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        defer { _ = try? admin.query("DROP DATABASE \(db) WITH (FORCE)") }
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        defer { c.close() }
        c.copyQueueBytes = 64 << 10
        try c.query("CREATE TABLE t (id int CHECK (id < 1000), payload text)")
        try c.beginCopy(Array("COPY t FROM STDIN".utf8))
        var state: String?
        do {
            try put(c, rows(5_000), pieces: [200_000])
            try c.endCopy()
        } catch let e as ServerError {
            state = e.sqlState
        }
        #expect(state == "23514")
        #expect(try c.query("SELECT count(*) FROM t") == [["0"]])
    }

    @Test func closingMidCopyEndsASenderBlockedOnAServerThatReadsNoMore() throws {
        let admin = try Connection(conninfo: "dbname=postgres", pinSearchPath: false)
        let db = try makeDatabase(admin)
        defer { _ = try? admin.query("DROP DATABASE \(db) WITH (FORCE)") }
        let c = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        // Row 1 makes the server sleep 60 s: it reads nothing more, so the socket fills and the
        // sender blocks in send() with the rest of the 24 MB queued.
        try c.query("""
            CREATE TABLE t (id int, payload text);
            CREATE FUNCTION nap() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN IF NEW.id = 1 THEN PERFORM pg_sleep(60); END IF; RETURN NEW; END $$;
            CREATE TRIGGER nap BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION nap();
            """)
        c.copyQueueBytes = 64 << 20
        try c.beginCopy(Array("COPY t FROM STDIN".utf8))
        try put(c, rows(24_000), pieces: [256 << 10])
        let started = Date()
        c.close()
        // close() shuts the socket after a second's patience instead of waiting out the sleep.
        #expect(Date().timeIntervalSince(started) < 30)
        let check = try Connection(conninfo: "dbname=\(db)", pinSearchPath: false)
        defer { check.close() }
        #expect(try check.query("SELECT count(*) FROM t") == [["0"]])
    }
}
