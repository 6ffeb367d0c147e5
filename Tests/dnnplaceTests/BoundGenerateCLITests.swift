import Foundation
import PlacementModel
import Testing

@Suite struct BoundGenerateCLITests {
    @Test func boundPrintsEveryBoundAsJSONAndNothingElse() throws {
        let run = try dnnplace("bound", instancePath("cnn-cpu-2gpu.json"), "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONParser.parse(run.stdout)  // CBC's LP log must not reach standard output
        guard case .object(let bounds) = json["bounds"], case .number(let best) = json["lowerBound"] else {
            Issue.record("no bounds in \(run.stdout)")
            return
        }
        #expect(bounds.map(\.key) == ["criticalPath", "averageLoad", "fractionalLP"])
        #expect(bounds.allSatisfy { if case .number(let x) = $0.value { x <= best } else { false } })
        // The exact optimum is never below the bound.
        let solved = try JSONParser.parse(try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp", "--json").stdout)
        guard case .number(let optimum) = solved["value"] else { Issue.record("no optimum"); return }
        #expect(best <= optimum * (1 + 1e-9))
    }

    /// Above the size where the MILP method stops solving the full model, --time-limit says it
    /// adds nothing instead of listing the cheap bounds again under the MILP's name.
    @Test func timeLimitOnALargeInstanceSaysItAddsNoBound() throws {
        let path = try temporaryFile("", name: "large.json")
        #expect(try dnnplace("generate", "random", "--layers", "301", "--out", path).status == 0)
        let run = try dnnplace("bound", path, "--time-limit", "5", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("--time-limit adds no bound: the latency MILP is not solved above 300 layers"), "\(run.stderr)")
        guard case .object(let bounds) = try JSONParser.parse(run.stdout)["bounds"] else { Issue.record("no bounds"); return }
        #expect(bounds.map(\.key) == ["criticalPath", "averageLoad", "fractionalLP"])
    }

    @Test func generatedInstanceIsDeterministicAndValid() throws {
        let a = try temporaryFile("", name: "a.json")
        let b = try temporaryFile("", name: "b.json")
        #expect(try dnnplace("generate", "random", "--layers", "50", "--seed", "3", "--quantized", "--out", a).status == 0)
        #expect(try dnnplace("generate", "random", "--layers", "50", "--seed", "3", "--quantized", "--out", b).status == 0)
        #expect(try String(contentsOfFile: a, encoding: .utf8) == String(contentsOfFile: b, encoding: .utf8))
        let validate = try dnnplace("validate", a)
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("50 layers"))
    }

    @Test func twinGPUsAreTwoIdenticalT4s() throws {
        let run = try dnnplace("generate", "random", "--layers", "5", "--twin-gpus")
        #expect(run.status == 0, "\(run.stderr)")
        let instance = try Instance(json: JSONParser.parse(run.stdout))
        #expect(instance.devices.map(\.kind) == ["xeon-8380", "t4", "t4"])
    }

    @Test func everyMethodAnswersWithABoundAndGap() throws {
        for method in ["greedy", "heft", "single", "dp", "random", "local", "split", "auto"] {
            let run = try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", method, "--objective", "throughput",
                                   "--time-limit", "5", "--json")
            #expect(run.status == 0, "\(method): \(run.stderr)")
            let json = try JSONParser.parse(run.stdout)
            #expect(json["lowerBound"] != nil && json["gap"] != nil, "\(method)")
        }
    }
}

@Suite struct RenderCLITests {
    @Test func renderWritesSVGAndRefusesInvalidPlans() throws {
        let out = try temporaryFile("", name: "plan.svg")
        let run = try dnnplace("render", instancePath("tiny.json"), instancePath("plans/tiny.json"), "--out", out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("<svg"))
        let bad = try temporaryFile(#"{"assignments": [{"layer": "input", "device": "gpu0", "precision": "fp32"}]}"#, name: "bad.json")
        let refused = try dnnplace("render", instancePath("tiny.json"), bad, "--out", out)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no assignment"))
    }
}
