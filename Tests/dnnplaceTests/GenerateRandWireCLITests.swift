import Foundation
import PlacementModel
import Testing

@Suite struct GenerateRandWireCLITests {
    @Test func randWireOnTheBundledMachineValidatesAndSolves() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = try scratch.file(name: "rw.json")
        let run = try dnnplace("generate", "randwire", "--graph", "ba", "--nodes", "8", "--seed", "3",
                               "--devices", instancePath("devices/cpu-2gpu.json"), "--precisions", "fp32,fp16,int8",
                               "--accuracy-budget", "0.01", "--out", out)
        #expect(run.status == 0, "\(run.stderr)")
        let problem = try Instance.load(path: out)
        #expect(problem.kindNames.sorted() == ["a100-40g", "t4", "xeon-8380"])
        #expect(problem.instance.accuracyBudget == 0.01)
        let solved = try dnnplace("solve", out, "--method", "greedy", "--json")
        #expect(solved.status == 0, "\(solved.stderr)")
    }

    @Test func aCatalogIsNotAMachine() throws {
        let run = try dnnplace("generate", "randwire", "--devices", instancePath("devices/catalog.json"))
        #expect(run.status == 1)
        #expect(run.stderr.contains("this is a device catalog"))
    }
}
