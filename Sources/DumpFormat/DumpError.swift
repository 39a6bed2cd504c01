/// The one error type of the readers: what went wrong, in which file, at which byte or TOC entry.
///
/// `description` is the one-line message the CLI prints on stderr.
public struct DumpError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The bytes are not what the format says they must be (exit 65).
        case malformed
        /// The input ended before the format says it may (exit 65).
        case truncated
        /// A well-formed input that this tool does not read (e.g. archive version > 1.16) (exit 65).
        case unsupported
        /// Well-formed input holding what pgreown refuses to pass on or run, such as a psql
        /// meta-command pg_dump never writes (verify: exit 1; rewrite, restore: exit 65).
        case forbidden
        /// The input cannot be opened or read (exit 66).
        case io
        /// An output cannot be created (exit 73).
        case cannotCreate
        /// Writing an output failed (exit 74).
        case writeFailed
        /// pgreown broke one of its own rules (exit 70).
        case internalError
    }

    public var kind: Kind
    public var file: String
    /// Absolute byte offset in `file` where the problem was found (for decompressed streams:
    /// the offset of the compressed item that failed).
    public var offset: Int64?
    /// "TOC entry 3391 (TABLE DATA public.t)" when the problem belongs to one entry.
    public var entry: String?
    public var message: String

    public init(_ kind: Kind, file: String, offset: Int64? = nil, entry: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.entry = entry
        self.message = message
    }

    public var description: String {
        var place = file
        if let offset { place += " at byte \(offset)" }
        if let entry { place += ", \(entry)" }
        return "\(place): \(message)"
    }

    /// Attach the TOC entry to an error raised below it (keeps the innermost offset).
    public func inEntry(_ label: String) -> DumpError {
        var copy = self
        if copy.entry == nil { copy.entry = label }
        return copy
    }
}
