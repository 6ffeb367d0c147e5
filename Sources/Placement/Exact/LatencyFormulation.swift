import MILP
import PlacementModel

/// Minimum makespan (SPEC §3 latency) as a MILP:
/// - start `S_v` within its window `[head_v, UB − tail_v − cheapest_v]`, makespan `C ≤ UB`;
/// - per edge (u, v) a transfer time `comm ≥ Σ_a τ(a,b,p)·x[u,a,p] − τmax·(1 − X[v,b])` for every
///   device b and precision p (exact when integral, and the tight difference form when links
///   are uniform), and precedence `S_v ≥ S_u + cost_u + comm`;
/// - one layer at a time per device, only for pairs the DAG leaves unordered: an ordering binary
///   per pair gated by a "same device" variable, with big-M from the time windows;
/// - valid cuts: C ≥ each device's load; C ≥ F_v + the work of v's descendants on d (they all
///   start after F_v, one at a time on d); S_v ≥ the work of v's ancestors on d (they all finish
///   before S_v). Measured against the weaker forms that counted v's own cost on d only
///   (generated, seed 1, CBC, 60 s): 20 layers proven in 5.2 s instead of 22.7 s; on 40 layers
///   the assignment relaxation's optimum rose from 6.03 to 6.10 ms and took 10 s instead of 20 s.
/// UB is a known plan's makespan, so the windows never cut off an optimum.
struct LatencyFormulation: Formulation {
    let problem: Problem
    let choice: ChoiceVariables
    private(set) var model: Model
    let timeScale: Double
    let start: [Variable]
    let makespan: Variable
    /// Transfer time per edge (by CSR successor entry and source layer), where one can be non-zero.
    let comm: [(entry: Int, from: Int, variable: Variable)]
    let pairs: [(u: Int, v: Int, same: Variable, order: Variable)]

    /// Cuts over descendants and ancestors cost O(n²·D) nonzeros: only below this size.
    static let cutLimit = 300

    /// The big-M pairs make the root LP slow, about quadratic in the rows. Measured (CBC,
    /// `dnnplace solve generated.json --method milp --time-limit 60 --verbose`, two solves side by
    /// side on this 2-core machine): the root LP and first cut round took 6.9 s on 15,012 rows (150
    /// layers) and 32 s on 30,590 rows (250 layers), where CBC had been given 0.3 and 1 s.
    var rootSeconds: Double { Double(model.rowCount) * Double(model.rowCount) * 3.5e-8 }

    /// `release[v][d]`, when given, is the earliest start of layer v on device d (inputs from
    /// layers placed earlier, the device's earlier work): the splitting heuristic's context.
    ///
    /// With `disjunctive` false the one-at-a-time rows are left out: that model is the
    /// *assignment relaxation* (choices, precedence with transfer times, memory, budget and the
    /// load and work cuts, which hold for every schedule). Every plan's schedule satisfies it, so
    /// its optimum, and the solver's bound on it, bound the makespan from below; with no big-M
    /// pairs it solves far faster than the full model.
    init(_ problem: Problem, upperBound: Double, breakSymmetry: Bool, release: [[Double]]? = nil, disjunctive: Bool = true) {
        self.problem = problem
        var model = Model(name: "\(problem.instance.name)-latency")
        let windows = TimeWindows(problem, earliest: release.map { rows in
            rows.enumerated().map { v, row in problem.options[v].map { row[$0.device] }.min() ?? 0 }
        })
        // No cost or transfer time above the makespan's upper bound is in any solution.
        let choice = ChoiceVariables(
            problem, model: &model, breakSymmetry: breakSymmetry, ceiling: ChoiceVariables.ceilingFactor * max(upperBound, windows.criticalPath))
        // An option whose chain of cheapest predecessors, own cost and cheapest successors
        // exceeds the upper bound is in no plan at least as good as the known one.
        for v in 0..<problem.layerCount {
            for (option, variable) in zip(problem.options[v], choice.x[v])
            where windows.head[v] + option.cost + windows.tail[v] > upperBound * (1 + 1e-9) {
                model.tighten(variable, upper: 0)
            }
        }
        let scale = 100 / max(upperBound, 1e-300)
        let ub = upperBound * scale
        let graph = problem.graph
        let n = problem.layerCount
        let sourceOf = (0..<n).flatMap { u in graph.successors(of: u).map { _ in u } }

        let start = (0..<n).map { v in
            model.addVariable(
                "S_\(problem.layerName(v))", lower: windows.head[v] * scale,
                upper: max(windows.head[v] * scale, ub - (windows.tail[v] + windows.cheapest[v]) * scale))
        }
        let makespan = model.addVariable("C", lower: windows.criticalPath * scale, upper: max(ub, windows.criticalPath * scale))

        if let release {
            for v in 0..<n where choice.devices(v).contains(where: { release[v][$0] > 0 }) {
                let terms = choice.devices(v).flatMap { choice.onDevice(v, $0, scale: -min(release[v][$0], choice.ceiling) * scale) }
                model.addRow([.init(start[v], 1)] + terms, lower: 0, upper: .infinity, name: "release_\(problem.layerName(v))")
            }
        }

        // Transfer times and precedence.
        func elements(_ entry: Int) -> Double {
            problem.edgeElements[graph.successorEdge[entry]] ?? problem.outputElements[sourceOf[entry]]
        }
        var comm: [(entry: Int, from: Int, variable: Variable)] = []
        for u in 0..<n {
            for i in graph.successorStart[u]..<graph.successorStart[u + 1] {
                let v = graph.successors[i]
                var rows: [(terms: [LinearExpression.Term], lower: Double)] = []
                for b in choice.devices(v) {
                    for p in choice.precisions(u) {
                        // The largest bytes u may send to b: this edge, or a sibling edge into b.
                        for j in graph.successorStart[u]..<graph.successorStart[u + 1]
                        where j == i || elements(j) > elements(i) {
                            let w = graph.successors[j]
                            let times = choice.devices(u).filter { $0 != b }.map {
                                ($0, min(problem.transferTime(successorEntry: j, from: u, precision: p, $0, b), choice.ceiling) * scale)
                            }
                            guard let longest = times.map(\.1).max(), longest > 0 else { continue }
                            var terms = times.flatMap { a, tau in choice.choice(u, a, p, scale: -tau) }
                            terms += choice.onDevice(v, b, scale: -longest)
                            var lower = -longest
                            if j != i {
                                terms += choice.onDevice(w, b, scale: -longest)
                                lower -= longest
                            }
                            rows.append((terms, lower))
                        }
                    }
                }
                var precedence = [LinearExpression.Term(start[v], 1), .init(start[u], -1)] + choice.cost(u, scale: -scale)
                if !rows.isEmpty {
                    let variable = model.addVariable("comm_\(problem.layerName(u))_\(problem.layerName(v))")
                    comm.append((i, u, variable))
                    for row in rows { model.addRow([.init(variable, 1)] + row.terms, lower: row.lower, upper: .infinity) }
                    precedence.append(.init(variable, -1))
                }
                model.addRow(precedence, lower: 0, upper: .infinity, name: "precedence_\(problem.layerName(u))_\(problem.layerName(v))")
            }
        }
        for v in 0..<n where graph.successors(of: v).isEmpty {
            model.addRow([.init(makespan, 1), .init(start[v], -1)] + choice.cost(v, scale: -scale), lower: 0, upper: .infinity)
        }

        // One layer at a time on a device, for pairs the DAG does not order.
        let reach = Reachability(graph)
        var pairs: [(u: Int, v: Int, same: Variable, order: Variable)] = []
        for u in 0..<n where disjunctive {
            let devicesOfU = Set(choice.devices(u))
            for v in (u + 1)..<max(u + 1, n) where reach.areIndependent(u, v) {
                let common = choice.devices(v).filter(devicesOfU.contains)
                // Largest possible F_u − S_v and F_v − S_u within the windows.
                let uBeforeV = (upperBound - windows.tail[u] - windows.head[v]) * scale
                let vBeforeU = (upperBound - windows.tail[v] - windows.head[u]) * scale
                guard !common.isEmpty, uBeforeV > 0, vBeforeU > 0 else { continue }
                let same = model.addVariable("same_\(problem.layerName(u))_\(problem.layerName(v))", upper: 1)
                let order = model.addBinary("before_\(problem.layerName(u))_\(problem.layerName(v))")
                for d in common {
                    model.addRow([.init(same, 1)] + choice.onDevice(u, d, scale: -1) + choice.onDevice(v, d, scale: -1), lower: -1, upper: .infinity)
                }
                // order = 1: u before v, S_v ≥ F_u; order = 0: S_u ≥ F_v; both only when same = 1.
                model.addRow([.init(start[v], 1), .init(start[u], -1), .init(order, -uBeforeV), .init(same, -uBeforeV)]
                             + choice.cost(u, scale: -scale), lower: -2 * uBeforeV, upper: .infinity)
                model.addRow([.init(start[u], 1), .init(start[v], -1), .init(order, vBeforeU), .init(same, -vBeforeU)]
                             + choice.cost(v, scale: -scale), lower: -vBeforeU, upper: .infinity)
                pairs.append((u, v, same, order))
            }
        }

        // Valid cuts.
        for d in 0..<problem.deviceCount {
            let load = (0..<n).flatMap { choice.cost($0, on: d, scale: -scale) }
            if !load.isEmpty { model.addRow([.init(makespan, 1)] + load, lower: 0, upper: .infinity, name: "load_\(problem.deviceName(d))") }
        }
        if n <= Self.cutLimit {
            for v in 0..<n {
                let descendants = (0..<n).filter { reach.reaches(v, $0) }
                let ancestors = (0..<n).filter { reach.reaches($0, v) }
                for d in 0..<problem.deviceCount {
                    let after = descendants.flatMap { choice.cost($0, on: d, scale: -scale) }
                    if !after.isEmpty {
                        model.addRow([.init(makespan, 1), .init(start[v], -1)] + choice.cost(v, scale: -scale) + after, lower: 0, upper: .infinity)
                    }
                    let before = ancestors.flatMap { choice.cost($0, on: d, scale: -scale) }
                    if !before.isEmpty {
                        model.addRow([.init(start[v], 1)] + before, lower: 0, upper: .infinity)
                    }
                }
            }
        }
        model.minimize(LinearExpression(makespan))
        self.model = model
        self.choice = choice
        self.timeScale = scale
        self.start = start
        self.makespan = makespan
        self.comm = comm
        self.pairs = pairs
    }

    func startValues(_ assignment: Assignment, _ evaluation: Evaluation, value: Double) -> [Double]? {
        guard case (let plan, var values)? = choice.values(choosing: assignment, columnCount: model.columnCount) else { return nil }
        let graph = problem.graph
        let transfers = TransferSet(problem, plan)
        for v in 0..<problem.layerCount { values[start[v].index] = evaluation.start[v] * timeScale }
        values[makespan.index] = value * timeScale
        for (i, u, variable) in comm {
            let b = plan.device[graph.successors[i]]
            let bytes = transfers.bytes(from: u, to: b) ?? 0
            values[variable.index] = problem.transfers.time(from: plan.device[u], to: b, bytes: bytes) * timeScale
        }
        for pair in pairs {
            let same = plan.device[pair.u] == plan.device[pair.v]
            values[pair.same.index] = same ? 1 : 0
            let uFirst = (evaluation.start[pair.u], evaluation.finish[pair.u]) <= (evaluation.start[pair.v], evaluation.finish[pair.v])
            values[pair.order.index] = uFirst ? 1 : 0
        }
        return values
    }

    func plan(from values: [Double]) -> Assignment {
        var plan = choice.assignment(from: values)
        // Rebuild the schedule from the solution's order (raw start times may break precedence
        // by solver tolerances), and keep list scheduling if it is better. The order is by start,
        // then finish: a zero-cost layer may start where a busy one does, and ordered after it
        // (a tie by start alone) it waited for it, with all of its successors (a 13% worse plan
        // on a fuzzed instance).
        let n = problem.layerCount
        let finish = (0..<n).map { values[start[$0].index] + problem.cost($0, plan.device[$0], plan.precision[$0]) * timeScale }
        let order = (0..<n).sorted { (values[start[$0].index], finish[$0], $0) < (values[start[$1].index], finish[$1], $1) }
        var rank = [Double](repeating: 0, count: n)
        for (position, v) in order.enumerated() { rank[v] = -Double(position) }
        let ordered = problem.appendSchedule(plan, priority: rank)
        let listed = problem.listSchedule(plan)
        func makespan(_ starts: [Double]) -> Double {
            (0..<problem.layerCount).map { starts[$0] + problem.cost($0, plan.device[$0], plan.precision[$0]) }.max() ?? 0
        }
        plan.start = makespan(ordered) <= makespan(listed) ? ordered : listed
        return plan
    }
}
