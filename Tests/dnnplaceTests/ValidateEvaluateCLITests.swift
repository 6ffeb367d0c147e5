import Foundation
import PlacementModel
import Testing

@Suite struct ValidateEvaluateCLITests {
    @Test func bundledInstancesValidate() throws {
        for name in ["tiny.json", "cnn-cpu-2gpu.json", "quantized-chain.json", "randwire-ws32-small.json"] {
            let run = try dnnplace("validate", instancePath(name))
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.stdout.contains("valid"))
        }
    }

    @Test func badInstanceExitsOneNamingFileAndPath() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = try scratch.file(#"{"devices": [{"name": "d", "kind": "k"}], "layers": [{"name": "a", "costs": {"k": {"fp32": -2}}}]}"#)
        let run = try dnnplace("validate", path)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: \(path): layers[0].costs.k.fp32: must not be negative, found -2"))
        #expect(run.stdout.isEmpty)
    }

    @Test func validateJSONGivesTheCountsOrEveryError() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let good = try dnnplace("validate", instancePath("cnn-cpu-2gpu.json"), "--json")
        #expect(good.status == 0)
        let verdict = try JSONParser.parse(good.stdout)
        #expect(verdict["valid"] == true)
        #expect(verdict["layers"] == 17)
        let path = try scratch.file(#"{"devices": [{"name": "d", "kind": "k"}], "layers": [{"name": "a", "costs": {"k": {"fp32": -2}}}]}"#)
        let bad = try dnnplace("validate", path, "--json")
        #expect(bad.status == 1)
        let errors = try JSONParser.parse(bad.stdout)
        #expect(errors["valid"] == false)
        #expect(errors["errors"] == [.record(["file": .string(path), "path": "layers[0].costs.k.fp32", "message": "must not be negative, found -2"])])
    }

    @Test func garbageAndMissingFilesAreNamed() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let garbage = try scratch.file("{\"layers\": [1, 2,,]}")
        let run = try dnnplace("validate", garbage)
        #expect(run.status == 1)
        #expect(run.stderr.contains("malformed JSON at line 1, column 18"))
        let missing = try dnnplace("validate", "/nonexistent/instance.json")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/instance.json: no such file"))
    }

    /// A file in another format has an error per field: commands show 20 and count the rest,
    /// `validate` lists them all.
    @Test func errorsPastTwentyAreCountedExceptByValidate() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let layers = (0..<25).map { #"{"name": "l\#($0)", "colour": "red", "costs": {"k": {"fp32": 1}}}"# }
        let path = try scratch.file(#"{"devices": [{"name": "d", "kind": "k"}], "layers": ["# + layers.joined(separator: ", ") + "]}")
        let solve = try dnnplace("solve", path, "--method", "greedy")
        #expect(solve.status == 1)
        let lines = solve.stderr.split(separator: "\n")
        #expect(lines.count == 21)
        #expect(lines.last == "error: … and 5 more")
        let validate = try dnnplace("validate", path)
        #expect(validate.stderr.split(separator: "\n").filter { $0.contains("colour: unknown field") }.count == 25)
    }

    static let neurips20 = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/instances/neurips20/bert24_inference.latency.json").path

    /// NeurIPS'20 placement inputs are read as SPEC §8 maps them, as `import neurips20` would.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: neurips20)))
    func neurips20InputsAreReadInPlace() throws {
        let validate = try dnnplace("validate", Self.neurips20)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("valid: 32 layers, 55 edges, 13 devices of 2 kinds"))
        let solve = try dnnplace("solve", Self.neurips20, "--method", "greedy", "--objective", "latency", "--json")
        #expect(solve.status == 0, "\(solve.stderr)")
        #expect(solve.stdout.contains(#""instance": "bert24_inference""#))
    }

    @Test func evaluateJSONCarriesTheEvaluatorsFigures() throws {
        let run = try dnnplace("evaluate", instancePath("tiny.json"), instancePath("plans/tiny.json"), "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONParser.parse(run.stdout)
        #expect(json["status"] == "feasible")
        #expect(json["objective"] == "latency")
        guard case .number(let latency) = json["latency"], case .number(let value) = json["value"],
              case .number(let period) = json["period"]
        else {
            Issue.record("missing figures in \(run.stdout)")
            return
        }
        #expect(abs(latency - 678.16e-6) < 1e-12)
        #expect(value == latency)
        #expect(abs(period - 410e-6) < 1e-12)
        #expect(json["memory"]?["gpu0"] != nil)
        #expect(json["plan"]?["format"] == "dnnplace-plan/1")
    }

    @Test func evaluateTextIsReadable() throws {
        let run = try dnnplace("evaluate", instancePath("tiny.json"), instancePath("plans/tiny.json"), "--objective", "throughput")
        #expect(run.status == 0)
        #expect(run.stdout.contains("latency        678.2 µs (list-scheduled)"))
        #expect(run.stdout.contains("period         410 µs (2439 inputs/s)"))
    }

    @Test func planBreakingMemoryExitsOneWithTheViolation() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let instance = try scratch.file(#"{"devices": [{"name": "d", "kind": "k", "memory": 10}], "layers": [{"name": "a", "params": 100, "costs": {"k": {"fp32": 1}}}]}"#)
        let plan = try scratch.file(#"{"assignments": [{"layer": "a", "device": "d"}]}"#, name: "plan.json")
        let run = try dnnplace("evaluate", instance, plan)
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(plan): device 'd' holds 400 B of weights, more than its 10 B"))
    }

    @Test func everyCommandHelpHasAnExample() throws {
        for command in ["solve", "bound", "validate", "evaluate", "render", "bench"] {
            let run = try dnnplace(command, "--help")
            #expect(run.status == 0)
            #expect(run.stdout.contains("Example"), "\(command) --help lacks an example")
        }
    }
}
