import Foundation
import PlacementModel
import Testing

@Suite struct InputFileTests {
    /// A pipe has no size to ask for: `<(dnnplace solve … --json)` must read like a file.
    @Test func readsAPipe() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("{\"a\": 1}".utf8))
        try pipe.fileHandleForWriting.close()
        let json = try readJSON(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        #expect(json == .record(["a": .number(1)]))
    }

    @Test func namesWhatIsWrongWithThePath() throws {
        let missing = NSTemporaryDirectory() + "dnnplace-no-such-\(UUID().uuidString).json"
        #expect(throws: InputError(file: missing, "no such file")) { try readFile(path: missing) }
        let folder = NSTemporaryDirectory()
        #expect(throws: InputError(file: folder, "is a directory, not a file")) { try readFile(path: folder) }
    }
}
