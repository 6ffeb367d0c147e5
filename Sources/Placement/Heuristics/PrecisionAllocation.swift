import PlacementModel

/// Spends the accuracy budget where it buys the most time: every layer starts at its least
/// sensitive precision, then the layer with the largest seconds saved per unit of sensitivity
/// (on its fastest device kind) moves down a precision, until the budget is spent. The result
/// is a sensitivity cap per layer for the greedy to place under. O(n·P log n).
enum PrecisionAllocation {
    static func caps(_ problem: Problem) -> [Double]? {
        guard let budget = problem.instance.accuracyBudget else { return nil }
        let n = problem.layerCount
        // Per layer, precisions ordered by sensitivity, each with its fastest cost.
        let ladders: [[(sensitivity: Double, cost: Double)]] = (0..<n).map { v in
            var best: [Int: Double] = [:]
            for option in problem.options[v] { best[option.precision] = min(best[option.precision] ?? .infinity, option.cost) }
            var ladder = best.map { (sensitivity: problem.sensitivity(v, $0.key), cost: $0.value) }
                .sorted { ($0.sensitivity, $0.cost) < ($1.sensitivity, $1.cost) }
            // Keep only steps that save time.
            var kept: [(sensitivity: Double, cost: Double)] = []
            for step in ladder where kept.last.map({ step.cost < $0.cost }) ?? true { kept.append(step) }
            ladder = kept
            return ladder
        }
        var level = [Int](repeating: 0, count: n)
        var spent = ladders.reduce(0) { $0 + ($1.first?.sensitivity ?? 0) }
        struct Step: Comparable {
            let ratio: Double
            let layer: Int
            static func < (a: Step, b: Step) -> Bool { a.ratio > b.ratio || (a.ratio == b.ratio && a.layer < b.layer) }
        }
        func step(_ v: Int) -> Step? {
            let ladder = ladders[v]
            guard level[v] + 1 < ladder.count else { return nil }
            let saved = ladder[level[v]].cost - ladder[level[v] + 1].cost
            let extra = ladder[level[v] + 1].sensitivity - ladder[level[v]].sensitivity
            return Step(ratio: extra > 0 ? saved / extra : .infinity, layer: v)
        }
        var heap = MinHeap<Step>()
        for v in 0..<n { if let s = step(v) { heap.push(s) } }
        while let next = heap.pop() {
            let v = next.layer
            let extra = ladders[v][level[v] + 1].sensitivity - ladders[v][level[v]].sensitivity
            if spent + extra > budget * (1 + 1e-12) { continue }
            spent += extra
            level[v] += 1
            if let s = step(v) { heap.push(s) }
        }
        return (0..<n).map { ladders[$0].isEmpty ? .infinity : ladders[$0][level[$0]].sensitivity }
    }
}
