import DumpFormat
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RestorePlanTests {
    static let entries: [TOCEntry] = [
        TOCEntry(dumpId: 1, tag: Array("ENCODING".utf8), desc: "ENCODING", section: .preData, defn: Array("SET client_encoding = 'UTF8';\n".utf8)),
        TOCEntry(dumpId: 2, tag: Array("app".utf8), desc: "DATABASE PROPERTIES", section: .preData, defn: Array("ALTER DATABASE app SET x TO 1;\n".utf8)),
        TOCEntry(dumpId: 3, tag: Array("t".utf8), desc: "TABLE", section: .preData, defn: Array("CREATE TABLE t (a int);\n".utf8)),
        TOCEntry(dumpId: 4, tag: Array("TABLE t".utf8), desc: "COMMENT", section: .none, defn: Array("COMMENT ON TABLE t IS 'x';\n".utf8)),
        TOCEntry(dumpId: 5, hadDumper: true, tag: Array("t".utf8), desc: "TABLE DATA", section: .data, location: .positionNotSet),
        TOCEntry(dumpId: 6, tag: Array("TABLE t".utf8), desc: "ACL", section: .none, defn: Array("GRANT SELECT ON TABLE t TO r;\n".utf8)),
        TOCEntry(dumpId: 7, tag: Array("log_ddl".utf8), desc: "EVENT TRIGGER", section: .postData, defn: Array("CREATE EVENT TRIGGER …;\n".utf8)),
        TOCEntry(dumpId: 8, tag: Array("DATABASE app".utf8), desc: "ACL", section: .none, defn: Array("GRANT CONNECT ON DATABASE app TO r;\n".utf8)),
    ]

    func required(_ p: RestorePlan) -> [Int] { p.entries.indices.filter { !p.parts[$0].isEmpty }.map { p.entries[$0].dumpId } }

    @Test func passesAndDefaultSelectionFollowPgRestore() {
        let p = RestorePlan(entries: Self.entries, version: .init(major: 17, minor: 6))
        #expect(required(p) == [3, 4, 5, 6, 7])
        #expect(p.passes[5] == .acl && p.passes[6] == .postACL && p.passes[2] == .main)
        #expect(p.expectsData(4) && !p.expectsData(2))
        #expect(RestorePlan.isDatabaseLevel(Self.entries[1]) && RestorePlan.isDatabaseLevel(Self.entries[7]))
        #expect(!RestorePlan.isDatabaseLevel(Self.entries[5]))
    }

    @Test func selectionOptions() {
        let v = ScriptWriter.Version(major: 17, minor: 6)
        #expect(required(RestorePlan(entries: Self.entries, version: v, selection: .init(noComments: true))) == [3, 5, 6, 7])
        #expect(required(RestorePlan(entries: Self.entries, version: v, selection: .init(excludeTypes: ["EVENT TRIGGER"]))) == [3, 4, 5, 6])
        // A SECTION_NONE entry takes the section of the entry before it (COMMENT after TABLE: pre-data).
        #expect(required(RestorePlan(entries: Self.entries, version: v, selection: .init(sections: [.preData]))) == [3, 4])
        #expect(required(RestorePlan(entries: Self.entries, version: v, selection: .init(sections: [.data]))) == [5, 6])
        #expect(required(RestorePlan(entries: Self.entries, version: v, selection: .init(wantedIds: [3, 5]))) == [3, 5])
    }

    /// `-o` onto a FIFO or a character device writes in place; it never renames a file over it.
    @Test func outputOntoAFifoOrADeviceIsWrittenInPlace() throws {
        let tmp = try TempDir()
        let fifo = tmp.file("fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        nonisolated(unsafe) var got: [UInt8] = []
        // The reader signals when it is done: `got` is read only after (ThreadSanitizer).
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            defer { done.signal() }
            let fd = open(fifo, O_RDONLY)
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
                if n <= 0 { break }
                got += buf[0..<n]
            }
            close(fd)
        }
        reader.start()
        let out = try Output(path: fifo)
        try out.write("hello fifo\n")
        try out.commit()
        #expect(done.wait(timeout: .now() + 3) == .success, "the FIFO's reader never finished")
        #expect(String(decoding: got, as: UTF8.self) == "hello fifo\n")
        var st = stat()
        #expect(stat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced")

        // A character device made for the test (the same major/minor as /dev/null), when mknod is allowed.
        let dev = tmp.file("null")
        if mknod(dev, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 {
            let o = try Output(path: dev)
            try o.write("discarded")
            try o.commit()
            #expect(stat(dev, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "the device was replaced by a file")
        }
    }
}
