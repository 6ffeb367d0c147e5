import Foundation
import PlacementModel
import Testing

@Suite struct SolveCLITests {
    @Test(arguments: ["cbc", "glpk"])
    func solveWritesAnEvaluatedPlanAndJSON(solver: String) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = try scratch.file(name: "plan.json")
        let run = try dnnplace("solve", instancePath("tiny.json"), "--method", "milp", "--solver", solver, "--json", "--out", out)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONParser.parse(run.stdout)
        #expect(json["status"] == "optimal")
        #expect(json["method"] == "milp")
        #expect(json["solver"] == .string(solver))
        guard case .number(let value) = json["value"], case .number(let bound) = json["lowerBound"] else {
            Issue.record("no value or bound in \(run.stdout)")
            return
        }
        #expect(bound <= value)
        // The written plan evaluates to the reported value.
        let evaluated = try dnnplace("evaluate", instancePath("tiny.json"), out, "--json")
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(try JSONParser.parse(evaluated.stdout)["latency"] == .number(value))
    }

    /// A loosened gap lets the method stop early and call its plan optimal; the report says
    /// under which gap, and the JSON gap stays within it.
    @Test func looseGapIsSaidNextToOptimal() throws {
        let text = try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp", "--gap", "0.5")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("objective latency: optimal within the requested gap"), "\(text.stdout)")
        let json = try JSONParser.parse(try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp", "--gap", "0.5", "--json").stdout)
        guard case .number(let gap) = json["gap"] else { Issue.record("no gap in \(json)"); return }
        #expect(json["status"] == "optimal")
        #expect(gap > 1e-6 && gap <= 0.5)
        let exact = try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp")
        #expect(exact.stdout.contains("objective latency: optimal\n"), "\(exact.stdout)")
    }

    @Test func infeasibleInstanceExitsTwoWithTheReason() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = try scratch.file("""
            {"devices": [{"name": "g0", "kind": "gpu", "memory": 1e9}],
             "layers": [{"name": "a", "params": 1e9, "costs": {"gpu": {"fp32": 1}}}]}
            """)
        let run = try dnnplace("solve", path, "--json")
        #expect(run.status == 2)
        let json = try JSONParser.parse(run.stdout)
        #expect(json["status"] == "infeasible")
        #expect(json["message"] == "infeasible: layer 'a' needs at least 4 GB of weights, more than any device that can run it holds (1 GB)")
    }

    /// Pins of one group that differ: the file is well formed, the instance has no plan.
    @Test func conflictingPinsInAGroupExitTwoWithThePath() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = try scratch.file("""
            {"devices": [{"name": "g0", "kind": "gpu"}, {"name": "g1", "kind": "gpu"}],
             "links": {"intraServer": {"bandwidth": 1e9, "latency": 0}},
             "layers": [{"name": "a", "costs": {"gpu": {"fp32": 1}}, "group": "g", "pin": "g0"},
                        {"name": "b", "costs": {"gpu": {"fp32": 1}}, "group": "g", "pin": "g1"}]}
            """)
        let expected = "infeasible: layers[0].group: group 'g' cannot hold: no device can run all of its layers ('a', 'b'), or their pins differ"
        for method in ["auto", "milp", "greedy"] {
            let run = try dnnplace("solve", path, "--method", method, "--json")
            #expect(run.status == 2, "\(method): \(run.stderr)")
            let json = try JSONParser.parse(run.stdout)
            #expect(json["status"] == "infeasible")
            #expect(json["message"] == .string(expected))
        }
        let validate = try dnnplace("validate", path)
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("infeasible: \(path): layers[0].group: group 'g' cannot hold"))
        let verdict = try dnnplace("validate", path, "--json")
        #expect(verdict.status == 2)
        #expect(try JSONParser.parse(verdict.stdout)["infeasible"] == [.string(String(expected.dropFirst("infeasible: ".count)))])
        let bound = try dnnplace("bound", path)
        #expect(bound.status == 2)
    }

    @Test func writeModelExportsAnLPFileGLPKReads() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let model = try scratch.file(name: "tiny.lp")
        let run = try dnnplace("solve", instancePath("tiny.json"), "--method", "milp", "--write-model", model)
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: model, encoding: .utf8)
        #expect(text.contains("Minimize"))
        #expect(text.contains("x_conv1_gpu0_fp16"))
    }

    @Test func badOptionsAreRejectedBeforeSolving() throws {
        let run = try dnnplace("solve", instancePath("tiny.json"), "--write-model", "model.txt")
        #expect(run.status != 0)
        #expect(run.stderr.contains("--write-model needs a .lp or .mps file name"))
        let negative = try dnnplace("solve", instancePath("tiny.json"), "--gap", "-0.1")
        #expect(negative.status == 64 && negative.stderr.contains("--gap must not be negative"), "\(negative.stderr)")
    }

    /// An output that cannot be written is refused before any work: a long solve used to end
    /// with "cannot write the file" and its plan lost.
    @Test func unwritableOutputsAreRefusedBeforeAnyWork() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let missing = scratch.url.appendingPathComponent("missing").path
        let tiny = instancePath("tiny.json")
        for (command, file) in [
            (["solve", tiny, "--method", "milp", "--progress", "--out", missing + "/plan.json"], missing + "/plan.json"),
            (["solve", tiny, "--method", "milp", "--progress", "--write-model", missing + "/m.lp"], missing + "/m.lp"),
            (["solve", tiny, "--pareto", "3", "--pareto-out", missing + "/front"], missing + "/front.csv"),
            (["bound", tiny, "--time-limit", "5", "--write-model", missing + "/m.mps"], missing + "/m.mps"),
            (["bench", tiny, "--methods", "greedy", "--out", missing + "/table"], missing + "/table.csv"),
            (["llm", "--model", instancePath("llm/llama-2-70b.json"), "--cluster", instancePath("llm/mixed-4.json"),
              "--out", missing + "/layout.svg"], missing + "/layout.svg"),
            (["generate", "random", "--layers", "5", "--out", missing + "/g.json"], missing + "/g.json"),
        ] {
            let run = try dnnplace(command)
            #expect(run.status == 1, "\(command)")
            #expect(run.stderr == "error: \(file): cannot write the file: there is no folder '\(missing)'\n", "\(command): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(command)")
        }
        let intoFolder = try dnnplace("solve", tiny, "--out", scratch.path)
        #expect(intoFolder.stderr == "error: \(scratch.path): cannot write the file: it is a folder\n", "\(intoFolder.stderr)")
    }

    /// NaN, infinite and astronomically long limits crashed split and local search (their
    /// deadlines overflowed the clock); every command that takes a limit refuses them. A
    /// negative one is read as a number (it was "missing value", as if it were an option).
    @Test(arguments: ["nan", "inf", "1e300", "0", "-1"])
    func timeLimitsThatAreNoNumberOfSecondsAreRejected(limit: String) throws {
        for command in [
            ["solve", instancePath("tiny.json"), "--method", "local"], ["bound", instancePath("tiny.json")],
            ["bench", instancePath("tiny.json"), "--out", "/nonexistent/x"],
            ["llm", "--model", instancePath("llm/llama-2-70b.json"), "--cluster", instancePath("llm/mixed-4.json")],
        ] {
            let run = try dnnplace(command + ["--time-limit", limit])
            #expect(run.status == 64, "\(command[0]) \(limit): \(run.status)")
            #expect(run.stderr.contains("--time-limit must be a number of seconds in (0, 1e9]"), "\(command[0]): \(run.stderr)")
        }
    }

    @Test func solverLogGoesToStandardErrorOnly() throws {
        let run = try dnnplace("solve", instancePath("tiny.json"), "--method", "milp", "--verbose", "--json")
        #expect(run.status == 0)
        _ = try JSONParser.parse(run.stdout)  // standard output is still one JSON object
        #expect(run.stderr.contains("CBC") || run.stderr.contains("Cbc"))
    }

    @Test func progressNamesEachPhaseOnStandardErrorWhenAsked() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let instance = try scratch.file(name: "random-100.json")
        #expect(try dnnplace("generate", "random", "--layers", "100", "--quantized", "--objective", "throughput", "--out", instance).status == 0)
        let split = try dnnplace("solve", instance, "--method", "split", "--time-limit", "10", "--json", "--progress")
        #expect(split.status == 0, "\(split.stderr)")
        _ = try JSONParser.parse(split.stdout)
        for phase in ["modules of at most 40 layers; lower bound period", "border windows", "local search from period"] {
            #expect(split.stderr.contains(phase), "\(phase) not in: \(split.stderr)")
        }
        let milp = try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp", "--objective", "throughput", "--progress")
        #expect(milp.status == 0)
        #expect(milp.stderr.contains("heuristic plan: period") && milp.stderr.contains("MILP: "), "\(milp.stderr)")
        // Latency: the relaxation says whether its bound is its optimum (at 17 layers it is).
        let latency = try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp", "--progress")
        #expect(latency.stderr.contains("assignment relaxation, solved: lower bound latency"), "\(latency.stderr)")
        // Not a terminal and not asked: nothing on standard error.
        #expect(try dnnplace("solve", instancePath("cnn-cpu-2gpu.json"), "--method", "milp").stderr.isEmpty)
    }
}

@Suite struct ParetoCLITests {
    @Test func paretoSweepWritesTheFront() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let prefix = scratch.url.appendingPathComponent("front").path
        let run = try dnnplace("solve", instancePath("quantized-chain.json"), "--pareto", "3", "--pareto-out", prefix, "--method", "greedy")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: prefix + ".csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)  // header + budgets 0, B/3, 2B/3, B
        #expect(lines[1].hasPrefix("0.0,0.0,"))  // budget 0 allows no quantization
        #expect(FileManager.default.fileExists(atPath: prefix + ".svg"))
    }
}
