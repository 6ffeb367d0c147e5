import MILP
import PlacementModel

/// Large-neighbourhood search with the latency MILP: the full model, with every layer outside a
/// window of consecutive layers (in the incumbent's start order) held at its device and
/// precision, and every pair outside it held in its order. The solver re-places and re-orders
/// only the window's layers, which it does fast, where on the whole model it finds no better
/// plan than the heuristic's beyond 40 layers. A window's plan is kept when the evaluator finds
/// it better; the windows slide on until the time is up. After a sweep that improves nothing the
/// next one scatters its windows over two blocks; after a scattered one, they grow by 4 layers.
///
/// Measured on generated instances (seed 1, CBC, 60 s in all, this search from 30% to 90% of
/// it): 40 layers 6.681 → 6.25 to 6.27 ms (two runs), 60 layers 11.13 → 10.78 ms, 100 layers
/// 19.68 → 18.93 ms. Widening took 40 layers, seed 3, from 8.011 to 7.742 ms, where the
/// search had stopped after a sweep without improvement; the others were unchanged.
/// Windows of 8 layers and 1 s did better than 6, 10, 12 or 16 layers with 0.5 to 3 s.
/// Scattered sweeps before widening (`dnnplace-benchmarks milp --seeds 1 2 3 --sizes 40 60
/// --objectives latency --cbc-only`, the three families of `results/`, 18 instances): wide 40
/// layers 6.275 → 6.263, 9.382 → 9.295 and 7.812 → 7.712 ms, narrow quantized 60 layers seed 2
/// 11.882 → 11.731 ms; worse on three (wide 60 seed 2 +0.5%, narrow quantized 40 seed 3 +1.4%,
/// narrow fp32 60 seed 1 +0.27%), the same plan on the other eleven.
enum NeighborhoodSearch {
    /// Layers per window at first; windows start every `window / 2` layers.
    static let window = 8
    /// Seconds for each window's solve.
    static let windowTimeLimit = 1.0
    /// Below this many layers the full MILP proves optimality faster than this search helps
    /// (20 layers: proven in 3.5 to 17 s on four instances, and one of them not at all in 60 s
    /// with the search first).
    static let minimumLayers = 30

    /// Improves `incumbent` for up to `timeLimit` seconds, or until its latency is at most `target`,
    /// with windows of `firstSize` layers at first. Without `widen` it stops after the first sweep
    /// that improves nothing: at a local optimum of that neighbourhood.
    static func improve(
        _ problem: Problem, _ request: SolveRequest, from incumbent: (Assignment, Evaluation), timeLimit: Double,
        target: Double = 0, firstSize: Int = window, widen: Bool = true
    ) throws -> (Assignment, Evaluation) {
        let clock = ContinuousClock.now
        var best = incumbent
        let n = problem.layerCount
        guard n >= minimumLayers, timeLimit > 0 else { return best }
        // The model depends on the incumbent (its value bounds the windows): rebuilt when it improves.
        func model(for incumbent: (Assignment, Evaluation)) -> (LatencyFormulation, [Double])? {
            let formulation = LatencyFormulation(problem, upperBound: incumbent.1.latency, breakSymmetry: false)
            return formulation.startValues(incumbent.0, incumbent.1, value: incumbent.1.latency).map { (formulation, $0) }
        }
        guard var (formulation, start) = model(for: best) else { return best }
        // A sweep that improves nothing is followed by a scattered one: each window is two
        // blocks of half the size, the second at a random place in start order, so layers far
        // apart in time can trade devices and budget. When that improves nothing too, the
        // windows widen. Both let the search leave a local optimum of the narrower neighbourhood.
        var size = firstSize
        var scattered = false
        var generator = SeededGenerator(seed: 1)
        // CBC reads a window's start before it looks at its clock: on 250 layers that took 0.5
        // to 1.4 s, whatever the window's limit. A window starts only when the time left covers
        // the fastest window so far and the most any window overran its limit, so the search
        // ends near its own limit. Both are the solver's own seconds: time spent waiting for
        // CBC's lock while another solve in the process holds it is no sign of either.
        var fastest = 0.0
        var overrun = 0.0
        func timeLeft() -> Double { timeLimit - elapsed(since: clock) }
        func goOn() -> Bool { timeLeft() > max(fastest, overrun) && best.1.latency > target }
        while size < n, goOn() {
            var improvedInSweep = false
            var first = 0
            while first < n, goOn() {
                let byStart = (0..<n).sorted { (best.1.start[$0], $0) < (best.1.start[$1], $1) }
                var free = Set(byStart[first..<min(first + (scattered ? size / 2 : size), n)])
                if scattered {
                    let other = Int.random(in: 0..<(n - size / 2), using: &generator)
                    free.formUnion(byStart[other..<(other + size / 2)])
                }
                var window = formulation.model
                for v in 0..<n where !free.contains(v) {
                    for x in formulation.choice.x[v] { window.tighten(x, lower: start[x.index], upper: start[x.index]) }
                }
                for pair in formulation.pairs where !free.contains(pair.u) && !free.contains(pair.v) {
                    for column in [pair.same, pair.order] {
                        window.tighten(column, lower: start[column.index], upper: start[column.index])
                    }
                }
                let limit = max(min(timeLeft() - overrun, windowTimeLimit), 0.01)
                let options = SolveOptions(
                    timeLimit: limit, relativeGap: request.searchGap, threads: request.threads, warmStart: start)
                let outcome = try request.solver.solver.solve(window, options: options)
                fastest = fastest == 0 ? outcome.seconds : min(fastest, outcome.seconds)
                overrun = max(overrun, outcome.seconds - limit)
                if let values = outcome.values {
                    let plan = formulation.plan(from: values)
                    let evaluation = problem.evaluate(plan)
                    if evaluation.isValid, evaluation.latency < best.1.latency * (1 - 1e-9), let rebuilt = model(for: (plan, evaluation)) {
                        best = (plan, evaluation)
                        (formulation, start) = rebuilt
                        improvedInSweep = true
                        request.progress?("neighbourhood search: \(describe(evaluation.latency, .latency))")
                    }
                }
                first += Self.window / 2
            }
            if !improvedInSweep {
                guard widen else { break }
                if scattered { size += Self.window / 2 }
                scattered.toggle()
            }
        }
        return best
    }
}
