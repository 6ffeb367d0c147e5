/// One thing wrong with an input: where (file and JSON path, e.g. `layers[17].costs.t4`) and what.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var path: String
    public var message: String

    public init(file: String? = nil, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        [file, path.isEmpty ? nil : path].compactMap { $0 }.joined(separator: ": ")
            + (file == nil && path.isEmpty ? "" : ": ") + message
    }
}

/// Bad input: every problem found, not just the first, so a user fixes a file in one pass.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public init(file: String? = nil, path: String = "", _ message: String) {
        self.diagnostics = [Diagnostic(file: file, path: path, message: message)]
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// The same errors attributed to `file`.
    public func inFile(_ file: String) -> InputError {
        InputError(diagnostics.map { var d = $0; d.file = d.file ?? file; return d })
    }
}

/// Collects diagnostics while a document is read; reading goes on past errors.
public final class DiagnosticLog {
    public private(set) var diagnostics: [Diagnostic] = []
    public init() {}

    public func error(_ path: String, _ message: String) {
        diagnostics.append(Diagnostic(path: path, message: message))
    }

    public var isEmpty: Bool { diagnostics.isEmpty }

    /// Throws everything collected so far, if anything.
    public func throwIfAny() throws(InputError) {
        if !diagnostics.isEmpty { throw InputError(diagnostics) }
    }
}
