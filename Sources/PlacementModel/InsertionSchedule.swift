extension Problem {
    /// A schedule for an assignment in upward-rank order (as list scheduling), but each layer in
    /// the first idle gap of its device that fits it after its inputs arrive, as HEFT does; never
    /// worse than appending for the same order, often better. The evaluator checks it like any
    /// given schedule.
    public func insertionSchedule(_ assignment: Assignment) -> [Double] {
        let transfers = TransferSet(self, assignment)
        var start = [Double](repeating: 0, count: layerCount)
        var finish = [Double](repeating: 0, count: layerCount)
        var busy = [BusyIntervals](repeating: BusyIntervals(), count: deviceCount)
        for v in graph.topologicalOrder(byPriority: upwardRank(assignment, transfers)) {
            let d = assignment.device[v]
            var arrival = 0.0
            for u in graph.predecessors(of: v) {
                arrival = max(arrival, finish[u] + transferTime(assignment, transfers, from: u, to: d))
            }
            let cost = layerCost(assignment, v)
            start[v] = busy[d].earliestGap(from: arrival, duration: cost)
            finish[v] = start[v] + cost
            busy[d].book(start[v], duration: cost)
        }
        return start
    }
}
