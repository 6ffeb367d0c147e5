import Foundation
import Testing

/// Runs the built `dnnplace` binary, as a user would, and captures what it prints.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The package root, for paths to bundled instances.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func instancePath(_ name: String) -> String { packageRoot.appendingPathComponent("instances/\(name)").path }

func dnnplace(_ arguments: String...) throws -> CLIRun { try dnnplace(arguments) }

func dnnplace(_ arguments: [String]) throws -> CLIRun {
    // The test runner lives in the same build folder as the products it depends on.
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let binary = [folder, folder.deletingLastPathComponent()]
        .map { $0.appendingPathComponent("dnnplace") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    let process = Process()
    process.executableURL = try #require(binary, "dnnplace binary not found near \(folder.path)")
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    // Output goes to files, not pipes: reading a pipe, Foundation's readDataToEndOfFile crashed
    // the test runner when a signal interrupted the read (EINTR, with many tests running
    // processes at once), and reading one pipe to its end before the other can deadlock.
    let scratch = try ScratchFolder()
    defer { scratch.remove() }
    let outPath = try scratch.file(name: "stdout")
    let errPath = try scratch.file(name: "stderr")
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer {
        try? out.close()
        try? err.close()
    }
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    return CLIRun(status: process.terminationStatus, stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                  stderr: try String(contentsOfFile: errPath, encoding: .utf8))
}

/// A fresh temporary folder for one test's files; the test removes it when done
/// (`defer { scratch.remove() }`), so runs leave nothing behind in the temporary directory.
struct ScratchFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dnnplace-test-\(UUID().uuidString)")
    var path: String { url.path }

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    /// Writes `text` to `name` in this folder and returns its path.
    func file(_ text: String = "", name: String = "input.json") throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
