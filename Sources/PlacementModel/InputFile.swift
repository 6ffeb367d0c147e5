import Foundation

/// Reads a whole input file. Through a file handle, not `FileManager.contents(atPath:)`, so
/// pipes work too (`<(...)`, `/dev/stdin`); a failure is an `InputError` that says which file
/// and why: missing, a directory, or unreadable.
public func readFile(path: String) throws(InputError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputError(file: path, "no such file")
    }
    if isDirectory.boolValue { throw InputError(file: path, "is a directory, not a file") }
    let unreadable = InputError(file: path, "cannot read the file (permission denied or I/O error)")
    guard let handle = FileHandle(forReadingAtPath: path) else { throw unreadable }
    do {
        return try handle.readToEnd() ?? Data()  // nil: an empty file
    } catch {
        throw unreadable
    }
}

/// A path named inside a file (a machine's catalog, a suite's entries) is relative to that
/// file's folder, not to the working directory, so inputs work from anywhere; absolute paths
/// stay as they are.
public func resolvedPath(_ named: String, besideFile file: String) -> String {
    guard !named.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return named }
    return String(file[...slash]) + named
}
