import Foundation
import PlacementModel

/// A planned layout with its evaluation and the bound that says how good it is.
public struct LayoutPlan: Sendable {
    public var layout: Layout
    public var evaluation: LayoutEvaluation
    /// A lower bound on the objective's seconds figure (the period for throughput, the time per
    /// token for latency) over every layout of the planner's space.
    public var lowerBound: Double
    /// The search finished: the layout is optimal within the space and the bound is its value.
    public var proven: Bool
    public var seconds: Double
}

/// No layout fits: the cluster lacks memory for the model at every allowed precision.
public struct InfeasibleLayout: Error, Sendable, CustomStringConvertible {
    /// Bytes the model needs at least, and what the cluster offers (usable memory over all GPUs).
    public var needed: Double
    public var available: Double
    public var shortfall: Double { max(needed - available, 0) }
    public var description: String {
        shortfall > 0
            ? "the model needs at least \(formatBytes(needed)) (weights at the smallest allowed precision and one micro-batch's KV cache); the cluster offers \(formatBytes(available)): \(formatBytes(shortfall)) short"
            : "the model needs at least \(formatBytes(needed)) and the cluster offers \(formatBytes(available)) in all, but no split into stages fits every GPU"
    }
}

/// Plans the layout: which groups of identical GPUs form pipeline stages, with which layers,
/// tensor-parallel degree and weight precision. The space is every ring of stages in which a
/// server's stages are adjacent (which loses nothing when the network is no faster than the
/// links inside servers); both searches are exact over it, so a finished search proves its
/// layout optimal for the cost model.
public struct LayoutPlanner: Sendable {
    public var costModel: ServingCostModel
    public var cluster: Cluster
    /// Allowed weight precisions, most preferred (most accurate) first: a stage keeps the first
    /// one that meets the planned period and its memory.
    public var precisions: [String]
    public var timeLimit: Double

    public init(costModel: ServingCostModel, cluster: Cluster, precisions: [String], timeLimit: Double = 60) {
        self.costModel = costModel
        self.cluster = cluster
        self.precisions = precisions
        self.timeLimit = timeLimit
    }

    /// The best layout of the space.
    public func plan() throws(InfeasibleLayout) -> LayoutPlan {
        let clock = ContinuousClock.now
        let space = SearchSpace(costModel: costModel, cluster: cluster, precisions: precisions)
        let (layout, proven) =
            costModel.workload.objective == .throughput ? planThroughput(space, started: clock) : planLatency(space)
        guard let layout else { throw infeasibility() }
        let evaluation = costModel.evaluate(layout, on: cluster)
        precondition(evaluation.isValid, "the planner built an invalid layout: \(evaluation.violations)")
        let value = evaluation.value(costModel.workload.objective)
        return LayoutPlan(
            layout: layout, evaluation: evaluation, lowerBound: proven ? value : min(bandwidthBound(), value), proven: proven,
            seconds: (ContinuousClock.now - clock) / .seconds(1))
    }

    /// Periods worth trying: the decode time of every stage shape for every layer count (the
    /// optimal period is one of them, since it is the slowest stage's time).
    private func candidatePeriods(_ space: SearchSpace) -> [Double] {
        var periods: Set<Double> = []
        for table in space.profiles(inFlight: 1) {
            for byPrecision in table {
                for profile in byPrecision {
                    for n in 1...space.layers { periods.insert(profile.decodeTime(layers: n)) }
                }
            }
        }
        return periods.sorted()
    }

    /// Tries every stage count S (the KV cache holds S micro-batches), each with a binary search
    /// for the least period below the best so far. The hand-written layouts set the first period
    /// to beat, so a search stopped by its limit is never behind them; the counts go from the
    /// most stages down, where periods are shortest, so the later counts mostly fail at once.
    /// For Llama-2-13B on a server of 64 RTX 4090s and one of 4 T4s, that took the full search
    /// from 48.8 to 13.1 s, and at `--time-limit 1` from 566 to 6,133 tokens/s (optimum 6,340).
    private func planThroughput(_ space: SearchSpace, started: ContinuousClock.Instant) -> (Layout?, Bool) {
        let periods = candidatePeriods(space)
        func timeIsUp() -> Bool { ContinuousClock.now - started > .seconds(timeLimit) }
        // best.period: the index of the first candidate period the best layout does not beat.
        var best: (period: Int, layout: Layout)? = [memoryProportionalLayout(), uniformLayout()]
            .map { ($0, costModel.evaluate($0, on: cluster)) }.filter { $0.1.isValid }
            .min { $0.1.period < $1.1.period }
            .map { layout, evaluation in (periods.firstIndex { $0 >= evaluation.period } ?? periods.count, layout) }
        for stages in (1...min(cluster.gpuCount, space.layers)).reversed() {
            // Without a layout yet the search goes on past its limit: stopping then would
            // report the cluster infeasible (it did for 70B on mixed-4 at --time-limit 0.001).
            if best != nil, timeIsUp() { return (best?.layout, false) }
            let profiles = space.profiles(inFlight: stages)
            let searches = [false, true].map { ThroughputSearch(space: space, multiServer: $0, inFlight: stages, profiles: profiles) }
            func feasible(_ index: Int) -> [ServerSolution]? { searches.lazy.compactMap { $0.solve(period: periods[index]) }.first }
            var high = (best?.period ?? periods.count) - 1
            guard high >= 0, var found = feasible(high) else { continue }
            var low = 0
            while low < high, !timeIsUp() {
                let middle = (low + high) / 2
                if let solution = feasible(middle) {
                    found = solution
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            best = (high, assemble(found, period: periods[high]))
            if low < high { return (best?.layout, false) }
        }
        return (best?.layout, true)
    }

    private func planLatency(_ space: SearchSpace) -> (Layout?, Bool) {
        let profiles = space.profiles(inFlight: 1)
        let layouts = [false, true].compactMap { LatencySearch(space: space, multiServer: $0, profiles: profiles).solve() }
            .map { assemble($0, period: nil) }
        return (layouts.min { costModel.evaluate($0, on: cluster).timePerToken < costModel.evaluate($1, on: cluster).timePerToken }, true)
    }

    /// Turns servers' groups into a ring of stages: the embedding's server first and the head's
    /// last; in a server, the embedding's group first and the network sender last. Layers are
    /// dealt out in that order, the surplus a period search leaves taken off the last stages,
    /// and each stage gets the first allowed precision that still meets `period` and memory.
    private func assemble(_ servers: [ServerSolution], period: Double?) -> Layout {
        func rank(_ group: ServerSolution.Group) -> Int {
            group.flags & RoleRules.embedding != 0 ? 0 : group.flags & RoleRules.head != 0 ? 3 : group.network ? 2 : 1
        }
        func serverRank(_ server: ServerSolution) -> Int {
            let flags = server.groups.reduce(0) { $0 | $1.flags }
            return flags & RoleRules.embedding != 0 ? 0 : flags & RoleRules.head != 0 ? 2 : 1
        }
        let ordered = servers.enumerated().sorted { (serverRank($0.element), $0.offset) < (serverRank($1.element), $1.offset) }
        var stages: [(group: ServerSolution.Group, server: Int, gpus: [Int])] = []
        for (_, server) in ordered {
            var nextGPU: [String: Int] = [:]
            let groups = server.groups.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            for (_, group) in groups {
                let first = nextGPU[group.type.kind, default: 0]
                nextGPU[group.type.kind] = first + group.type.degree
                stages.append((group, server.server, Array(first..<(first + group.type.degree))))
            }
        }
        var counts = stages.map(\.group.layers)
        var surplus = counts.reduce(0, +) - costModel.model.layers
        for i in counts.indices.reversed() where surplus > 0 {
            let cut = min(surplus, counts[i] - 1)
            counts[i] -= cut
            surplus -= cut
        }
        var layout = Layout(stages: [])
        var next = 0
        for (i, stage) in stages.enumerated() {
            let precision: String
            if let fixed = stage.group.precision {
                precision = precisions[fixed]
            } else {
                let role = StageRole(
                    embedding: i == 0, head: i == stages.count - 1,
                    send: stages.count == 1
                        ? nil
                        : stages[(i + 1) % stages.count].server == stage.server
                            ? cluster.servers[stage.server].intraLink : cluster.network)
                precision =
                    precisions.first { name in
                        let profile = costModel.profile(
                            kind: stage.group.type.kind, tensorParallel: stage.group.type.degree, precision: name, role: role,
                            intraLink: cluster.servers[stage.server].intraLink, inFlight: stages.count)
                        return profile.maxLayers(period: period ?? .infinity) >= counts[i]
                    } ?? smallestPrecision
            }
            layout.stages.append(
                LayoutStage(
                    server: stage.server, kind: stage.group.type.kind, gpus: stage.gpus, firstLayer: next,
                    lastLayer: next + counts[i] - 1, precision: precision))
            next += counts[i]
        }
        return layout
    }

    /// The allowed precision with the fewest bytes per weight: the one that fits and runs best.
    var smallestPrecision: String { precisions.min { WeightPrecision.bytes[$0]! < WeightPrecision.bytes[$1]! }! }

    /// Bytes a decode step of one micro-batch reads at least: every layer's weights at the
    /// smallest allowed precision and the micro-batch's KV cache. No layout can store less.
    private var leastLayerBytes: Double {
        let model = costModel.model
        let workload = costModel.workload
        let kvCache = Double(workload.batch * workload.context) * model.kvBytesPerToken(bytesPerValue: workload.kvBytes)
        return Double(model.layers) * (model.layerParameters * WeightPrecision.bytes[smallestPrecision]! + kvCache)
    }

    /// Every decode step reads `leastLayerBytes` at least. For throughput the slowest stage
    /// takes at least the average, so period ≥ bytes / (sum of all GPUs' derated bandwidth); for
    /// latency the stages run one after another, each no faster than the fastest group of one
    /// kind in one server, so time per token ≥ bytes / that group's bandwidth.
    func bandwidthBound() -> Double {
        let rates = cluster.servers.flatMap { server in
            server.gpus.map { gpu -> Double in
                let kind = cluster.catalog.kinds[gpu.kind]!
                return Double(gpu.count) * kind.memoryEfficiency * kind.memoryBandwidth
            }
        }
        let rate = costModel.workload.objective == .throughput ? rates.reduce(0, +) : rates.max() ?? 1
        return leastLayerBytes / rate
    }

    /// The memory no layout can do without: `leastLayerBytes` plus the embedding and the head
    /// at 16 bits (one matrix for both when they are tied).
    func infeasibility() -> InfeasibleLayout {
        let model = costModel.model
        let needed = leastLayerBytes + model.embeddingParameters * (model.tiedEmbeddings ? 2 : 4)
        let available = cluster.servers.reduce(0.0) { total, server in
            total
                + server.gpus.reduce(0.0) {
                    $0 + Double($1.count) * cluster.catalog.kinds[$1.kind]!.memory * costModel.workload.memoryFraction
                }
        }
        return InfeasibleLayout(needed: needed, available: available)
    }
}
