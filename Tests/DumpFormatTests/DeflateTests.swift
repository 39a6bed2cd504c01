import DumpFormat
import Foundation
import Testing

/// The gzip/zlib decoder (ISA-L's igzip): the bytes zlib wrote come back whatever the input's
/// pieces, back-references reach across output buffers, and every way a stream can be wrong is an
/// error: a bad checksum, bytes after a zlib stream, a cut, no stream at all.
@Suite struct DeflateTests {
    /// 3 MB with matches at every distance up to the 32 KB window: a wrong history after an output
    /// buffer is handed on would change the output.
    static let original: [UInt8] = {
        var rng = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(3 << 20)
        while out.count < 3 << 20 {
            if out.count > 40_000 && Bool.random(using: &rng) {
                let distance = Int.random(in: 1...32_768, using: &rng)
                let length = Int.random(in: 3...258, using: &rng)
                for _ in 0..<length { out.append(out[out.count - distance]) }
            } else {
                for _ in 0..<Int.random(in: 1...64, using: &rng) { out.append(UInt8.random(in: 0x20...0x7e, using: &rng)) }
            }
        }
        return out
    }()

    static func zlib(_ data: [UInt8]) throws -> [UInt8] {
        let c = try ZlibItemCompressor(level: 1)
        var out: [UInt8] = []
        try data.withUnsafeBytes { try c.feed($0) { out += $0 } }
        try c.finish { out += $0 }
        return out
    }

    /// Decode `data` fed in pieces of `piece` bytes; finish() included.
    static func decode(_ data: [UInt8], gzipFile: Bool = false, piece: Int) throws -> [UInt8] {
        let d = try Decompressors.make(.gzip, gzipFile: gzipFile)
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let end = min(i + piece, data.count)
            try data[i..<end].withUnsafeBytes { try d.feed($0) { out += $0 } }
            i = end
        }
        try d.finish()
        return out
    }

    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as DecompressionError { return e.message } catch { return "\(error)" }
    }

    @Test(arguments: [1, 7, 4096, 65_536, 1 << 30])
    func zlibStreamsDecodeWhateverThePieces(_ piece: Int) throws {
        let z = try Self.zlib(Self.original)
        #expect(try Self.decode(z, piece: piece) == Self.original)
    }

    @Test func oneDecoderServesManyItems() throws {
        let d = try Decompressors.make(.gzip)
        for text in ["first item", "", String(repeating: "second, longer item ", count: 5000)] {
            try d.reset()
            var out: [UInt8] = []
            try Self.zlib(Array(text.utf8)).withUnsafeBytes { try d.feed($0) { out += $0 } }
            try d.finish()
            #expect(out == Array(text.utf8))
        }
    }

    @Test func everyBrokenStreamIsAnError() throws {
        let z = try Self.zlib(Self.original)
        // The adler32 trailer.
        var badSum = z
        badSum[badSum.count - 1] ^= 0x01
        #expect(message { _ = try Self.decode(badSum, piece: 65_536) } == "invalid zlib data: incorrect data check")
        // The middle of the data.
        var flipped = z
        for i in (z.count / 2)..<(z.count / 2 + 16) { flipped[i] ^= 0x5a }
        #expect(message { _ = try Self.decode(flipped, piece: 65_536) }?.hasPrefix("invalid zlib data") == true)
        // Bytes after the end of a zlib stream.
        #expect(message { _ = try Self.decode(z + [0, 1, 2], piece: 65_536) } == "3 bytes follow the end of the zlib stream")
        // A cut, anywhere.
        for cut in [1, 2, z.count / 3, z.count - 4, z.count - 1] {
            #expect(message { _ = try Self.decode(Array(z[..<cut]), piece: 4096) }?.contains("ends before its end mark") == true, "cut at \(cut)")
        }
        // Nothing at all.
        #expect(message { _ = try Self.decode([], piece: 1) } == "compressed stream is empty (no zlib header)")
        // Not a zlib header.
        #expect(message { _ = try Self.decode(Array("plain text, not zlib".utf8), piece: 64) }?.hasPrefix("invalid zlib data") == true)
    }

    /// A gzip file of several members (concatenated .gz files) is their contents in order, even
    /// when a piece of input holds the end of one member and the start of the next.
    @Test(arguments: [1, 1000, 1 << 30])
    func concatenatedGzipMembersFollowEachOther(_ piece: Int) throws {
        let gz = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.dir.appendingPathComponent("pg15/app.plain.sql.gz").path)))
        let plain = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.dir.appendingPathComponent("pg15/app.plain.sql").path)))
        // The .gz was written by its own pg_dump run: only its \restrict keys differ from the .sql.
        func keyless(_ b: [UInt8]) -> [ArraySlice<UInt8>] {
            b.split(separator: 0x0a, omittingEmptySubsequences: false).filter { !$0.starts(with: Array("\\restrict ".utf8)) && !$0.starts(with: Array("\\unrestrict ".utf8)) }
        }
        let one = try Self.decode(gz, gzipFile: true, piece: piece)
        #expect(one.count == plain.count && keyless(one) == keyless(plain))
        #expect(try Self.decode(gz + gz, gzipFile: true, piece: piece) == one + one)
        #expect(try Self.decode(gz + gz + gz, gzipFile: true, piece: piece) == one + one + one)
        var badCRC = gz
        badCRC[badCRC.count - 5] ^= 0x01   // the crc32, before the 4-byte length
        #expect(message { _ = try Self.decode(badCRC, gzipFile: true, piece: piece) } == "invalid gzip data: incorrect data check")
    }
}
