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

    /// A NaN budget was written as no budget, and batch 0 as a valid instance of zero-work
    /// layers: both are refused before anything is written.
    @Test func costedGeneratorsRefuseBudgetsAndBatchesThatAreNoNumbers() throws {
        let machine = instancePath("devices/cpu-2gpu.json")
        for budget in ["nan", "inf"] {
            let run = try dnnplace("generate", "transformer", "--blocks", "1", "--devices", machine, "--accuracy-budget", budget)
            #expect(run.status == 64 && run.stderr.contains("--accuracy-budget must be a finite number, at least 0"), "\(budget): \(run.stderr)")
        }
        let run = try dnnplace("generate", "resnet50", "--devices", machine, "--batch", "0")
        #expect(run.status == 64 && run.stderr.contains("--batch must be at least 1"), "\(run.stderr)")
        // The size at fault is named, and a negative one is read as a number, not as an option.
        let heads = try dnnplace("generate", "transformer", "--devices", machine, "--heads", "-2")
        #expect(heads.status == 64 && heads.stderr.contains("--heads must be at least 1, not -2"), "\(heads.stderr)")
    }
}
