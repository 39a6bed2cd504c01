import DumpFormat
import Foundation
import Testing

/// custom → custom: the data area copied as one range (copy_file_range, or pread/write) gives
/// the bytes the block-by-block copy gives, and fails the same way.
@Suite struct CustomRangeCopyTests {
    enum Mode: CustomStringConvertible {
        case blockByBlock, kernel, readWrite
        var description: String { "\(self == .blockByBlock ? "block by block" : self == .kernel ? "copy_file_range" : "pread/write")" }
    }

    struct Copy {
        var bytes: [UInt8]
        var inKernel: Int64
        var throughBuffer: Int64
        var warnings: [String]
    }

    /// Header, TOC and data of `input` written to `output` (a file, or "/dev/fd/N" of a pipe).
    static func copy(_ input: String, to output: String, _ mode: Mode) throws -> (inKernel: Int64, throughBuffer: Int64, warnings: [String]) {
        let source = try DumpSource.open(input)
        let toc = try #require(try source.readTOC())
        let out = try Output(path: output, sync: false)
        out.kernelCopy = mode == .kernel
        do {
            let writer = CustomArchiveWriter(output: out, header: toc.header, uncompressedData: false)
            try writer.begin(toc.entries)
            try source.copyCustomData(to: writer, output: out, rangeCopy: mode != .blockByBlock)
            try writer.finish()
            try out.commit()
        } catch {
            out.abort()
            throw error
        }
        return (out.copiedInKernel, out.copiedThroughBuffer, source.warnings.map(\.description))
    }

    static func toFile(_ input: String, _ mode: Mode, _ dir: TempDir) throws -> Copy {
        let path = dir.file("out-\(UUID().uuidString).dump")
        let r = try copy(input, to: path, mode)
        return Copy(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), inKernel: r.inKernel,
                    throughBuffer: r.throughBuffer, warnings: r.warnings)
    }

    final class Box: @unchecked Sendable { var data = Data() }

    /// The same into a pipe (not seekable: no copy_file_range, the TOC's offsets left unset).
    static func toPipe(_ input: String, _ mode: Mode) throws -> Copy {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let readEnd = fds[0], box = Box(), done = DispatchSemaphore(value: 0)
        Thread {
            box.data = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true).readDataToEndOfFile()
            done.signal()
        }.start()
        let result = Result { try copy(input, to: "/dev/fd/\(fds[1])", mode) }
        close(fds[1])
        done.wait()
        let r = try result.get()
        return Copy(bytes: Array(box.data), inKernel: r.inKernel, throughBuffer: r.throughBuffer, warnings: r.warnings)
    }

    static let customFixtures = Fixtures.archives.filter { $0.hasSuffix(".dump") && $0.contains("app.custom") }

    @Test func thereAreCustomFixtures() { #expect(Self.customFixtures.count >= 12) }

    @Test(arguments: customFixtures)
    func theRangeCopyWritesTheBlockByBlockBytes(_ fixture: String) throws {
        let dir = try TempDir()
        // The input beside the output: one file system, so copy_file_range is allowed.
        let input = dir.file("in.dump")
        try FileManager.default.copyItem(atPath: fixture, toPath: input)
        let reference = try Self.toFile(input, .blockByBlock, dir)
        #expect(reference.inKernel == 0 && reference.throughBuffer == 0)
        let kernel = try Self.toFile(input, .kernel, dir)
        #expect(kernel.bytes == reference.bytes)
        #expect(kernel.inKernel > 0 && kernel.throughBuffer == 0)
        let readWrite = try Self.toFile(input, .readWrite, dir)
        #expect(readWrite.bytes == reference.bytes)
        #expect(readWrite.inKernel == 0 && readWrite.throughBuffer == kernel.inKernel)

        let pipedReference = try Self.toPipe(input, .blockByBlock)
        let piped = try Self.toPipe(input, .kernel)
        #expect(!piped.bytes.isEmpty && piped.bytes == pipedReference.bytes)
        #expect(piped.inKernel == 0 && piped.throughBuffer == kernel.inKernel)
    }

    /// A cut anywhere in the data area, or bytes after it: the same error or warning either way.
    @Test(arguments: customFixtures.filter { $0.contains("pg15") || $0.contains("pg17") })
    func truncatedAndTrailingInputFailTheSameWay(_ fixture: String) throws {
        let dir = try TempDir()
        let whole = Array(try Data(contentsOf: URL(fileURLWithPath: fixture)))
        let source = try DumpSource.open(fixture)
        let dataStart = Int(try #require(try source.readTOC()).endOffset)
        let span = whole.count - dataStart
        var cuts = [dataStart, dataStart + 1, dataStart + 3, whole.count - 1, whole.count - 2]
        for i in 1..<16 { cuts.append(dataStart + span * i / 16) }
        for cut in cuts {
            let input = dir.file("cut-\(cut).dump")
            try Data(whole[..<cut]).write(to: URL(fileURLWithPath: input))
            func failure(_ mode: Mode) -> String {
                do {
                    _ = try Self.toFile(input, mode, dir)
                    return "no error"
                } catch {
                    return "\(error)"
                }
            }
            let expected = failure(.blockByBlock)
            #expect(expected != "no error", "cut at \(cut) of \(whole.count)")
            #expect(failure(.kernel) == expected, "cut at \(cut)")
            #expect(failure(.readWrite) == expected, "cut at \(cut)")
        }
        let trailing = dir.file("trailing.dump")
        try Data(whole + Array("junk".utf8)).write(to: URL(fileURLWithPath: trailing))
        let reference = try Self.toFile(trailing, .blockByBlock, dir)
        let kernel = try Self.toFile(trailing, .kernel, dir)
        #expect(reference.warnings.count == 1 && kernel.warnings == reference.warnings)
        #expect(kernel.bytes == reference.bytes && kernel.inKernel > 0)
    }
}
