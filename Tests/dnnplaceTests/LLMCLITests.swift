import Foundation
import PlacementModel
import Testing

struct LLMCLITests {
    @Test func jsonLayoutHasTheDocumentedShapeAndBeatsTheBaselines() throws {
        let run = try dnnplace(
            "llm", "--model", instancePath("llm/llama-2-70b.json"), "--cluster", instancePath("llm/mixed-4.json"), "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "optimal")
        let throughput = try #require(json["throughput"] as? Double)
        #expect(json["lowerBound"] as? Double != nil && json["timePerToken"] as? Double != nil && json["prefillLatency"] as? Double != nil)
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.first?["firstLayer"] as? Double == 0)
        #expect(stages.last?["lastLayer"] as? Double == 79)
        for stage in stages {
            #expect((stage["memoryPerGpu"] as? Double ?? .infinity) <= (stage["capacityPerGpu"] as? Double ?? 0))
            #expect((stage["gpus"] as? [String])?.count == Int(stage["tensorParallel"] as? Double ?? 0))
            #expect(stage["server"] as? String != nil && stage["kind"] as? String != nil && stage["weights"] as? String == "fp16")
        }
        let baselines = try #require(json["baselines"] as? [String: [String: Any]])
        for name in ["memoryProportional", "uniform"] {
            let baseline = try #require(baselines[name])
            #expect(throughput >= (baseline["throughput"] as? Double ?? .infinity), "\(name)")
        }
    }

    @Test func infeasibleClusterExitsTwoWithTheShortfall() throws {
        let run = try dnnplace(
            "llm", "--model", instancePath("llm/llama-2-70b.json"), "--cluster", instancePath("llm/small-mixed.json"))
        #expect(run.status == 2)
        #expect(run.stderr.contains("infeasible") && run.stderr.contains("short"))
        let json = try dnnplace(
            "llm", "--model", instancePath("llm/llama-2-70b.json"), "--cluster", instancePath("llm/small-mixed.json"), "--json")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "infeasible")
        #expect((object["shortfall"] as? Double ?? 0) > 30e9)
    }

    @Test func writesAChartAndRejectsBadOptions() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let svg = try scratch.file(name: "layout.svg")
        let run = try dnnplace(
            "llm", "--model", instancePath("llm/llama-2-13b.json"), "--cluster", instancePath("llm/small-mixed.json"),
            "--weights", "fp16,int8", "--objective", "latency", "--out", svg)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("time per token"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        let bad = try dnnplace(
            "llm", "--model", instancePath("llm/llama-2-13b.json"), "--cluster", instancePath("llm/small-mixed.json"), "--weights", "fp5")
        #expect(bad.status != 0 && bad.stderr.contains("unknown precision 'fp5'"))
        let negative = try dnnplace(
            "llm", "--model", instancePath("llm/llama-2-13b.json"), "--cluster", instancePath("llm/small-mixed.json"), "--batch", "-3")
        #expect(negative.status == 64 && negative.stderr.contains("--batch must be at least 1"), "\(negative.stderr)")
        // A 256-GPU server has 3.2 million ways to cut it into groups (listing them took 27 s
        // and 11 GB); the search does not list them, and proves its layout.
        let rack = try scratch.file(
            #"{"format": "dnnplace-cluster/1", "catalog": "\#(instancePath("devices/catalog.json"))", "servers": [{"name": "rack", "gpus": [{"kind": "t4", "count": 256}], "intraLink": "pcie3x16"}], "network": "net100g"}"#,
            name: "rack.json")
        let large = try dnnplace("llm", "--model", instancePath("llm/llama-2-13b.json"), "--cluster", rack, "--json")
        #expect(large.status == 0, "\(large.stderr)")
        let result = try JSONParser.parse(large.stdout)
        guard case .string("optimal") = result["status"], case .array(let stages) = result["stages"] else {
            Issue.record("not proven: \(large.stdout.prefix(300))")
            return
        }
        #expect(stages.count > 1)
        let missing = try dnnplace("llm", "--model", instancePath("llm/nope.json"), "--cluster", instancePath("llm/small-mixed.json"))
        #expect(missing.status == 1 && missing.stderr.contains("nope.json"))
    }
}
