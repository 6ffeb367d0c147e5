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
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = try scratch.file(name: "large.json")
        #expect(try dnnplace("generate", "random", "--layers", "301", "--out", path).status == 0)
        let run = try dnnplace("bound", path, "--time-limit", "5", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("--time-limit adds no bound: the latency MILP is not solved above 300 layers"), "\(run.stderr)")
        guard case .object(let bounds) = try JSONParser.parse(run.stdout)["bounds"] else { Issue.record("no bounds"); return }
        #expect(bounds.map(\.key) == ["criticalPath", "averageLoad", "fractionalLP"])
    }

    @Test func generatedInstanceIsDeterministicAndValid() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let a = try scratch.file(name: "a.json")
        let b = try scratch.file(name: "b.json")
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

    /// --degree and --window shape the DAG: with 1.5 and 4 each layer reads one or two of the
    /// four layers before it, and the name says the shape; a degree below 1 or past 1e6 (infinity
    /// crashed the generator) is refused.
    @Test func degreeAndWindowShapeTheDAG() throws {
        let run = try dnnplace("generate", "random", "--layers", "60", "--degree", "1.5", "--window", "4")
        #expect(run.status == 0, "\(run.stderr)")
        let instance = try Instance(json: JSONParser.parse(run.stdout))
        #expect(instance.name == "random-60-d1.5-w4-s1")
        let index = Dictionary(uniqueKeysWithValues: instance.layers.enumerated().map { ($1.name, $0) })
        var inputs = [Int](repeating: 0, count: instance.layers.count)
        for edge in instance.edges {
            let (from, to) = (index[edge.from]!, index[edge.to]!)
            #expect((1...4).contains(to - from), "\(edge.from) → \(edge.to)")
            inputs[to] += 1
        }
        #expect(inputs.dropFirst().allSatisfy { (1...2).contains($0) })
        #expect(inputs.contains(2))
        for degree in ["0.5", "inf", "nan", "1e300"] {
            let refused = try dnnplace("generate", "random", "--degree", degree)
            #expect(refused.status == 64 && refused.stderr.contains("--degree must be from 1 to 1e6"), "\(degree): \(refused.stderr)")
        }
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
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = try scratch.file(name: "plan.svg")
        let run = try dnnplace("render", instancePath("tiny.json"), instancePath("plans/tiny.json"), "--out", out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("<svg"))
        let bad = try scratch.file(#"{"assignments": [{"layer": "input", "device": "gpu0", "precision": "fp32"}]}"#, name: "bad.json")
        let refused = try dnnplace("render", instancePath("tiny.json"), bad, "--out", out)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no assignment"))
    }
}
