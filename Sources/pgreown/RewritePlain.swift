import ArgumentParser
import DumpFormat
import Ownership

/// `rewrite --format plain`: any input to an SQL script.
enum RewritePlain {
    static func run(_ cmd: Rewrite, source: DumpSource) throws -> Int32 {
        throw ValidationError("--format plain is not implemented yet")
    }
}
