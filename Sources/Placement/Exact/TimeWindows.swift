import PlacementModel

/// Earliest starts and shortest tails with every layer at its cheapest allowed cost and free
/// transfers. In any schedule, layer v starts no earlier than `head[v]` and is followed by at
/// least `tail[v]` seconds of work on a chain to a sink, so `head + cheapest + tail` of any
/// layer is a lower bound on the makespan (the critical path bound of SPEC §4).
struct TimeWindows {
    let cheapest: [Double]
    let head: [Double]
    let tail: [Double]

    /// `earliest[v]`, when given, is a start no schedule can beat (a release time).
    init(_ problem: Problem, earliest: [Double]? = nil) {
        let graph = problem.graph
        let cheapest = problem.options.map { $0.map(\.cost).min() ?? 0 }
        var head = earliest ?? [Double](repeating: 0, count: problem.layerCount)
        for v in graph.topologicalOrder {
            for w in graph.successors(of: v) { head[w] = max(head[w], head[v] + cheapest[v]) }
        }
        var tail = [Double](repeating: 0, count: problem.layerCount)
        for v in graph.topologicalOrder.reversed() {
            for w in graph.successors(of: v) { tail[v] = max(tail[v], cheapest[w] + tail[w]) }
        }
        self.cheapest = cheapest
        self.head = head
        self.tail = tail
    }

    /// The longest chain at cheapest costs: a lower bound on any plan's latency.
    var criticalPath: Double {
        zip(zip(head, cheapest), tail).map { $0.0 + $0.1 + $1 }.max() ?? 0
    }
}
