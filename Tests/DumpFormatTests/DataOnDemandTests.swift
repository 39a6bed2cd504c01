import DumpFormat
import Foundation
import Testing

/// Data on demand (ARCHITECTURE.md, "The flow of a command"): every entry's data read on its own, in reverse TOC order and from
/// two threads at once (each through descriptors of its own), equals what the streaming read
/// decodes; inputs that cannot be read that way say so.
@Suite struct DataOnDemandTests {
    static let seekable = Fixtures.archives.filter { !$0.contains("custom-pipe") && !$0.hasSuffix(".tar") }

    struct Item: Equatable { var rows: Int64?; var bytes: Int64 }

    static func items(_ a: CompletenessAuditor) -> [Int: Item] {
        Dictionary(uniqueKeysWithValues: a.tables.map { ($0.dumpId, Item(rows: $0.rows, bytes: $0.bytes)) })
    }

    @Test(arguments: seekable)
    func onDemandEqualsTheStream(_ path: String) throws {
        let streamed = CompletenessAuditor(fileName: path)
        try DumpSource.open(path).read(streamed)

        let source = try DumpSource.open(path)
        let reader = try #require(try source.dataOnDemand(), "no data on demand for \(path)")
        let withData = try #require(try source.readTOC()).entries.filter(\.hasData).reversed()
        let halves = [Array(withData.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)),
                      Array(withData.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))]
        nonisolated(unsafe) let auditors = [CompletenessAuditor(fileName: path), CompletenessAuditor(fileName: path)]   // one per thread
        nonisolated(unsafe) var failures: [String] = []
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            do {
                for e in halves[k] { try reader.read(e, into: auditors[k]) }
            } catch {
                lock.lock(); failures.append("\(error)"); lock.unlock()
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        var onDemand = Self.items(auditors[0])
        onDemand.merge(Self.items(auditors[1])) { a, _ in a }
        #expect(onDemand == Self.items(streamed))
        #expect(!onDemand.isEmpty)
        #expect(auditors[0].largeObjects + auditors[1].largeObjects == streamed.largeObjects)
    }

    @Test func streamOnlyInputsHaveNoDataOnDemand() throws {
        for path in Fixtures.archives where path.contains("custom-pipe") || path.hasSuffix(".tar") {
            #expect(try DumpSource.open(path).dataOnDemand() == nil, "\(path)")
        }
        for path in Fixtures.plains.prefix(2) {
            #expect(try DumpSource.open(path).dataOnDemand() == nil, "\(path)")
        }
    }

    /// A block read on demand is checked where it is: a wrong offset is a malformed archive.
    @Test func aBadRecordedOffsetIsReported() throws {
        guard let path = Self.seekable.first(where: { $0.hasSuffix("pg15/app.custom-z0.dump") }) else { return }
        let source = try DumpSource.open(path)
        let toc = try #require(try source.readTOC())
        var entry = try #require(toc.entries.first { $0.desc == "TABLE DATA" && $0.hasData })
        guard case .offset(let pos) = entry.location else { Issue.record("no offset"); return }
        entry.location = .offset(pos + 1)
        let reader = try #require(try source.dataOnDemand())
        #expect(throws: DumpError.self) { try reader.read(entry, into: CompletenessAuditor(fileName: path)) }
    }
}
