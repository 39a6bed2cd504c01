import DumpFormat
import Foundation
import Testing

/// Reading on a thread of its own (`ReadAhead`): the visitor sees what a direct read gives, in
/// the same order; a reader's error arrives after what was read before it; a visitor's error stops
/// the reader; a small queue still carries everything.
@Suite struct ReadAheadTests {
    /// Every event, data joined per data item, as text.
    final class Recorder: DumpVisitor {
        var events: [String] = []
        var data: [UInt8] = []
        var dataEvents = 0
        var failAtData: Int?
        struct Stop: Error {}

        func header(_ header: ArchiveHeader, format: DumpFormatKind) throws { events.append("header \(format)") }
        func entry(_ entry: TOCEntry) throws { events.append("entry \(entry.dumpId)") }
        func beginData(_ entry: TOCEntry) throws { events.append("begin \(entry.dumpId)"); data = [] }
        func data(_ bytes: UnsafeRawBufferPointer) throws {
            dataEvents += 1
            if let n = failAtData, dataEvents >= n { throw Stop() }
            data += bytes
        }
        func beginLargeObject(oid: UInt32) throws { events.append("lo \(oid) after \(data.count)") ; data = [] }
        func endLargeObject(oid: UInt32) throws { events.append("lo end \(oid) \(data.count) \(data.hashValue)"); data = [] }
        func endData(_ entry: TOCEntry) throws { events.append("end \(entry.dumpId) \(data.count) \(data.hashValue)") }
        func finish(totalBytes: Int64) throws { events.append("finish \(totalBytes)") }
    }

    static let subjects = [
        "pg15/app.custom.dump", "pg17/app.custom-pipe.dump", "pg17/app.custom-lz4.dump", "pg18/app.tar",
        "pg16/app.plain.sql", "pg15/app.dir",
    ].map { Fixtures.dir.appendingPathComponent($0).path }.filter { FileManager.default.fileExists(atPath: $0) }

    @Test(arguments: subjects, [1 << 20, 1])
    func theVisitorSeesWhatADirectReadGives(_ path: String, queueBytes: Int) throws {
        let direct = Recorder()
        try DumpSource.open(path).read(direct, data: true)
        let ahead = Recorder()
        let readAhead = ReadAhead(maxBytes: queueBytes, mergeBytes: queueBytes == 1 ? 7 : 256 << 10)
        try readAhead.run(try DumpSource.open(path), into: ahead)
        #expect(ahead.events == direct.events)
        #expect(direct.events.contains { $0.hasPrefix("end ") })
        #expect(readAhead.inputProgress != nil || path.hasSuffix(".dir"))
    }

    @Test func subjectsExist() { #expect(Self.subjects.count == 6) }

    /// A truncated archive: the events before the cut reach the visitor, then the reader's error.
    @Test func aReadersErrorArrivesAfterWhatWasReadBeforeIt() throws {
        let path = Fixtures.dir.appendingPathComponent("pg17/app.custom-pipe.dump").path
        let bytes = try readBytes(path)
        let tmp = try TempDir()
        let cut = tmp.file("cut.dump")
        try Data(bytes[0..<(bytes.count * 2 / 3)]).write(to: URL(fileURLWithPath: cut))
        let direct = Recorder()
        var directError: DumpError?
        do { try DumpSource.open(cut).read(direct, data: true) } catch let e as DumpError { directError = e }
        let ahead = Recorder()
        var aheadError: DumpError?
        do { try ReadAhead().run(try DumpSource.open(cut), into: ahead) } catch let e as DumpError { aheadError = e }
        #expect(directError != nil)
        #expect(aheadError?.description == directError?.description)
        #expect(ahead.events == direct.events)
    }

    /// The visitor's error is the run's error, and the run returns (the reader stops).
    @Test func aVisitorsErrorStopsTheReader() throws {
        let path = Fixtures.dir.appendingPathComponent("pg15/app.custom.dump").path
        let visitor = Recorder()
        visitor.failAtData = 2
        #expect(throws: Recorder.Stop.self) {
            try ReadAhead(maxBytes: 1, mergeBytes: 1).run(try DumpSource.open(path), into: visitor)
        }
        #expect(!visitor.events.contains { $0.hasPrefix("finish") })
    }

    /// `poll` runs while the visitor waits on a reader that has nothing yet (a stalled pipe) and
    /// its error ends the run at once.
    @Test func pollEndsTheWaitOnAStalledInput() throws {
        let bytes = try readBytes(Fixtures.dir.appendingPathComponent("pg17/app.custom-pipe.dump").path)
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        // The first 4 KB (header and part of the TOC), then nothing: the writer stays open.
        let head = Array(bytes.prefix(4096))
        try #require(head.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == head.count)
        struct Signalled: Error {}
        let started = Date()
        nonisolated(unsafe) var polls = 0
        #expect(throws: Signalled.self) {
            try ReadAhead().run(try DumpSource.open("/dev/fd/\(fds[0])"), into: Recorder()) {
                polls += 1
                if polls == 3 { throw Signalled() }
            }
        }
        #expect(polls == 3)
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
