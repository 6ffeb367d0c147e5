import Foundation
import Testing

struct ONNXCLITests {
    @Test func inspectPrintsTheDocumentedJSON() throws {
        let run = try dnnplace("inspect", instancePath("onnx/vit-b16.onnx"), "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["nodes"] as? Double == 576)
        #expect(abs((json["macs"] as? Double ?? 0) - 17.56e9) < 0.01e9)
        #expect((json["layers"] as? Double ?? 0) > 200)
        #expect(json["params"] as? Double != nil && (json["unsupportedOps"] as? [String]) == [])
        let text = try dnnplace("inspect", instancePath("onnx/resnet50.onnx"))
        #expect(text.stdout.contains("multiply-adds 4.089 G"))
    }

    @Test func importWritesAValidInstanceAndSolveTakesTheModelDirectly() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = try scratch.file(name: "mobilenetv2.json")
        let imported = try dnnplace(
            "import", "onnx", instancePath("onnx/mobilenetv2.onnx"), "--devices", instancePath("devices/cpu-2gpu.json"),
            "--precisions", "fp32,fp16", "--out", out)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try dnnplace("validate", out).status == 0)
        let solved = try dnnplace(
            "solve", instancePath("onnx/mobilenetv2.onnx"), "--devices", instancePath("devices/cpu-2gpu.json"), "--method", "heft",
            "--json")
        #expect(solved.status == 0, "\(solved.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(solved.stdout.utf8)) as? [String: Any])
        #expect((json["value"] as? Double ?? 0) > 0)
        let bound = try dnnplace("bound", instancePath("onnx/mobilenetv2.onnx"), "--devices", instancePath("devices/cpu-2gpu.json"))
        #expect(bound.status == 0, "\(bound.stderr)")
    }

    @Test func modelsNeedAMachineAndBadFilesAreReported() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let missing = try dnnplace("solve", instancePath("onnx/resnet50.onnx"))
        #expect(missing.status == 1 && missing.stderr.contains("needs --devices"))
        let garbage = try scratch.file("not a model at all", name: "broken.onnx")
        let run = try dnnplace("inspect", garbage)
        #expect(run.status == 1 && run.stderr.contains(garbage) && run.stderr.contains("ONNX model"))
    }

    /// Batch 0 and negative batches were costed as if no batch had been given.
    @Test(arguments: ["0", "-1"])
    func batchesBelowOneAreRefused(batch: String) throws {
        let model = instancePath("onnx/resnet50.onnx")
        let machine = ["--devices", instancePath("devices/cpu-2gpu.json")]
        for command in [["inspect", model], ["import", "onnx", model] + machine, ["solve", model] + machine, ["bound", model] + machine] {
            let run = try dnnplace(command + ["--batch", batch])
            #expect(run.status == 64 && run.stderr.contains("--batch must be at least 1, not \(batch)"), "\(command[0]): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }
}
