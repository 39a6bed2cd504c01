import Foundation
import FuzzTargets
import Testing
import TestSupport

/// Every input the fuzzers ever found a defect with (Tests/Fixtures/fuzz/TARGET/), and every
/// seed, goes through its target again: no trap, no broken invariant, under a second each.
@Suite struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func files(under dir: URL) -> [URL] {
        let items = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return items.filter { !$0.hasDirectoryPath }.sorted { $0.path < $1.path }
    }

    static func seeds(of target: FuzzTargets.Target) -> [URL] {
        target.seeds.flatMap { seed -> [URL] in
            let url = fixtures.appendingPathComponent(seed)
            let dir = url.deletingLastPathComponent()
            return files(under: dir).filter {
                $0.lastPathComponent.hasPrefix(url.lastPathComponent) && $0.pathExtension != "list"
            }
        }
    }

    @Test func everyTargetIsSeeded() {
        #expect(FuzzTargets.all.count == 9)
        for t in FuzzTargets.all {
            #expect(!Self.seeds(of: t).isEmpty, "target \(t.name) has no seed on disk")
        }
    }

    @Test(arguments: FuzzTargets.all.map(\.name))
    func findingsAndSeedsReplay(_ name: String) throws {
        let target = try #require(FuzzTargets.target(named: name))
        let inputs = Self.files(under: Self.fixtures.appendingPathComponent("fuzz/\(name)")) + Self.seeds(of: target)
        #expect(!inputs.isEmpty)
        for url in inputs {
            let bytes = [UInt8](try Data(contentsOf: url))
            let start = now()
            target.run(bytes)
            // Truncations of the input too: every reader must stop cleanly wherever it ends.
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 16)) { target.run(Array(bytes[..<cut])) }
            let elapsed = now() - start
            #expect(elapsed < 5.0, "\(url.lastPathComponent) took \(elapsed) s for 17 runs")
        }
    }
}
