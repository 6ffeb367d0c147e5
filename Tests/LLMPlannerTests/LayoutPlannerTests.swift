import Ingest
import PlacementModel
import Testing

@testable import LLMPlanner

/// Every layout of the planner's space, evaluated: every sequence of tensor-parallel groups
/// (each server's stages adjacent), every split of the layers into them, every precision per
/// stage. Returns the best valid layout's figure (smaller is better), or nil when none fits.
func bruteForceBest(_ costModel: ServingCostModel, _ cluster: Cluster, precisions: [String]) -> Double? {
    let layers = costModel.model.layers
    var best: Double?
    var used: [String: Int] = [:]
    var sequence: [(server: Int, kind: String, gpus: [Int])] = []

    func compositions(_ total: Int, parts: Int) -> [[Int]] {
        if parts == 1 { return [[total]] }
        return (1...max(1, total - parts + 1)).flatMap { first in compositions(total - first, parts: parts - 1).map { [first] + $0 } }
    }
    func evaluateAll() {
        for split in compositions(layers, parts: sequence.count) {
            var choice = [Int](repeating: 0, count: sequence.count)
            while true {
                var next = 0
                let stages = sequence.indices.map { i -> LayoutStage in
                    defer { next += split[i] }
                    return LayoutStage(
                        server: sequence[i].server, kind: sequence[i].kind, gpus: sequence[i].gpus, firstLayer: next,
                        lastLayer: next + split[i] - 1, precision: precisions[choice[i]])
                }
                let evaluation = costModel.evaluate(Layout(stages: stages), on: cluster)
                if evaluation.isValid {
                    let value = evaluation.value(costModel.workload.objective)
                    best = min(best ?? value, value)
                }
                guard let i = choice.indices.first(where: { choice[$0] + 1 < precisions.count }) else { break }
                choice[i] += 1
                for j in 0..<i { choice[j] = 0 }
            }
        }
    }
    func extend(visited: Set<Int>) {
        if !sequence.isEmpty { evaluateAll() }
        guard sequence.count < layers else { return }
        for (s, server) in cluster.servers.enumerated() where s == sequence.last?.server || !visited.contains(s) {
            for gpu in server.gpus {
                let key = "\(s)/\(gpu.kind)"
                let first = used[key, default: 0]
                for degree in costModel.tensorParallelDegrees(upTo: gpu.count) where first + degree <= gpu.count {
                    used[key] = first + degree
                    sequence.append((s, gpu.kind, Array(first..<(first + degree))))
                    extend(visited: visited.union([s]))
                    sequence.removeLast()
                    used[key] = first
                }
            }
        }
    }
    extend(visited: [])
    return best
}

struct LayoutPlannerTests {
    /// Small random clusters where memory binds: one or two servers of one or two kinds.
    func randomCase(seed: UInt64, objective: LayoutObjective) throws -> (ServingCostModel, Cluster, [String]) {
        var random = SeededGenerator(seed: seed)
        let catalog = try testCatalog(
            smallMemory: Double.random(in: 40e6...90e6, using: &random), bigMemory: Double.random(in: 80e6...160e6, using: &random),
            smallBandwidth: Double.random(in: 0.5e11...2e11, using: &random), bigBandwidth: Double.random(in: 1e11...4e11, using: &random))
        var model = tinyModel
        model.layers = Int.random(in: 3...5, using: &random)
        let serverCount = Int.random(in: 1...2, using: &random)
        var servers: [(name: String, gpus: [(String, Int)])] = []
        var gpus = 0
        for s in 0..<serverCount {
            var kinds: [(String, Int)] = []
            for kind in ["small", "big"] where Bool.random(using: &random) || kinds.isEmpty && kind == "big" {
                let count = gpus >= 3 ? 1 : Int.random(in: 1...2, using: &random)
                kinds.append((kind, count))
                gpus += count
            }
            servers.append(("s\(s)", kinds))
        }
        let precisions = Bool.random(using: &random) ? ["fp16"] : ["fp16", "int8"]
        let workload = Workload(
            batch: Int.random(in: 1...4, using: &random), prompt: 32, context: Int.random(in: 64...512, using: &random), kvBytes: 2,
            memoryFraction: 0.9, objective: objective)
        return (
            ServingCostModel(model: model, catalog: catalog, workload: workload),
            cluster(servers, catalog: catalog, intra: Double.random(in: 10e9...100e9, using: &random), network: 5e9), precisions
        )
    }

    @Test(arguments: LayoutObjective.allCases)
    func plannerMatchesBruteForceOnSmallClusters(objective: LayoutObjective) throws {
        var feasible = 0
        for seed in UInt64(1)...80 {
            let (costModel, cluster, precisions) = try randomCase(seed: seed, objective: objective)
            let expected = bruteForceBest(costModel, cluster, precisions: precisions)
            let planner = LayoutPlanner(costModel: costModel, cluster: cluster, precisions: precisions)
            do {
                let plan = try planner.plan()
                let value = plan.evaluation.value(objective)
                #expect(plan.evaluation.isValid)
                #expect(plan.proven && plan.lowerBound == value)
                guard let expected else {
                    Issue.record("seed \(seed): planned \(value), brute force found nothing")
                    continue
                }
                #expect(abs(value - expected) <= 1e-12 * expected, "seed \(seed): planned \(value), brute force \(expected)")
                feasible += 1
            } catch {
                #expect(expected == nil, "seed \(seed): planner says infeasible, brute force found \(expected ?? 0)")
            }
        }
        #expect(feasible >= 50)
    }

    @Test func plansOnTheBundledClustersBeatTheHandWrittenLayoutsAndFit() throws {
        let catalog = try bundledCatalog()
        let model = try LanguageModel.load(path: bundled("instances/llm/llama-2-70b.json"))
        for name in ["mixed-4", "mixed-8"] {
            let servers = try Cluster.load(path: bundled("instances/llm/\(name).json"), catalog: catalog)
            for objective in LayoutObjective.allCases {
                let costModel = ServingCostModel(model: model, catalog: catalog, workload: Workload(objective: objective))
                let planner = LayoutPlanner(costModel: costModel, cluster: servers, precisions: ["fp16", "int8"])
                let plan = try planner.plan()
                #expect(plan.evaluation.stages.allSatisfy { $0.memoryPerGPU <= $0.capacityPerGPU })
                for baseline in [planner.memoryProportionalLayout(), planner.uniformLayout()] {
                    let evaluation = costModel.evaluate(baseline, on: servers)
                    if evaluation.isValid {
                        #expect(plan.evaluation.value(objective) <= evaluation.value(objective) * (1 + 1e-12), "\(name) \(objective)")
                    }
                }
            }
        }
    }

    @Test func bandwidthBoundIsBelowTheOptimum() throws {
        for objective in LayoutObjective.allCases {
            for seed in UInt64(1)...10 {
                let (costModel, cluster, precisions) = try randomCase(seed: seed, objective: objective)
                let planner = LayoutPlanner(costModel: costModel, cluster: cluster, precisions: precisions)
                guard let plan = try? planner.plan() else { continue }
                #expect(planner.bandwidthBound() <= plan.evaluation.value(objective))
            }
        }
    }

    /// A limit that runs out at once still gives a layout, never behind the hand-written ones.
    /// The search stopped only with a layout in hand, so it reported "infeasible" when the
    /// hand-written layouts were not its start: 70B on mixed-4 needs several stages, and a limit
    /// of 1 ms did. Then, with the fewest stages first, Llama-2-13B on one server of 64 RTX 4090s
    /// and one of 4 T4s got 566 tokens/s at `--time-limit 1`, where llama.cpp's split gets 4,774.
    @Test(arguments: ["llama-2-70b", "llama-2-13b"])
    func aLimitThatRunsOutFirstGivesALayoutNoWorseThanTheHandWrittenOnes(model name: String) throws {
        let catalog = try bundledCatalog()
        let model = try LanguageModel.load(path: bundled("instances/llm/\(name).json"))
        for clusterName in ["mixed-4", "mixed-8"] {
            let servers = try Cluster.load(path: bundled("instances/llm/\(clusterName).json"), catalog: catalog)
            let costModel = ServingCostModel(model: model, catalog: catalog, workload: Workload(objective: .throughput))
            let planner = LayoutPlanner(costModel: costModel, cluster: servers, precisions: ["fp16"], timeLimit: 1e-9)
            let plan = try planner.plan()
            #expect(plan.evaluation.isValid)
            #expect(!plan.proven)
            #expect(plan.lowerBound <= plan.evaluation.value(.throughput))
            for baseline in [planner.memoryProportionalLayout(), planner.uniformLayout()] {
                let evaluation = costModel.evaluate(baseline, on: servers)
                if evaluation.isValid {
                    #expect(plan.evaluation.period <= evaluation.period, "\(name) on \(clusterName)")
                }
            }
        }
    }

    @Test func anInfeasibleClusterReportsItsShortfall() throws {
        let catalog = try bundledCatalog()
        let model = try LanguageModel.load(path: bundled("instances/llm/llama-2-70b.json"))
        let servers = try Cluster.load(path: bundled("instances/llm/small-mixed.json"), catalog: catalog)
        let workload = Workload(batch: 1, context: 1, objective: .throughput)
        let costModel = ServingCostModel(model: model, catalog: catalog, workload: workload)
        do {
            _ = try LayoutPlanner(costModel: costModel, cluster: servers, precisions: ["fp16"]).plan()
            Issue.record("70B planned on 2 × RTX 4090 + 4 × T4")
        } catch {
            // fp16 weights of 80 layers, 16-bit embedding and head, one token of KV cache.
            let needed: Double = 80 * 855_654_400 * 2 + 2 * 32000 * 8192 * 2 + 80 * 4096
            #expect(abs(error.needed - needed) < 1)
            #expect(error.available == (2 * 24e9 + 4 * 16e9) * 0.9)
            #expect(abs(error.shortfall - (needed - 100.8e9)) < 1)
        }
        // int8 fits: 80 × 855.7 M bytes ≈ 68 GB.
        #expect(throws: Never.self) {
            try LayoutPlanner(costModel: costModel, cluster: servers, precisions: ["fp16", "int8"]).plan()
        }
    }

    @Test func memoryProportionalSplitsLayersByMemory() throws {
        let catalog = try bundledCatalog()
        let model = try LanguageModel.load(path: bundled("instances/llm/llama-2-13b.json"))
        let servers = try Cluster.load(path: bundled("instances/llm/small-mixed.json"), catalog: catalog)
        let planner = LayoutPlanner(
            costModel: ServingCostModel(model: model, catalog: catalog, workload: Workload()), cluster: servers, precisions: ["fp16"])
        // 2 × 24 GB and 4 × 16 GB: shares 40 × 24/112 = 8.57 and 40 × 16/112 = 5.71; floors sum to 36
        // and the four largest remainders (0.71) get the other four layers.
        #expect(planner.memoryProportionalLayout().stages.map(\.layers) == [8, 8, 6, 6, 6, 6])
        // One stage per server, on as many GPUs as the largest degree: 2 and 4; 20 layers each.
        #expect(planner.uniformLayout().stages.map { [$0.tensorParallel, $0.layers] } == [[2, 20], [4, 20]])
    }
}
