extension Problem {
    /// A schedule for an assignment in upward-rank order (as list scheduling), but each layer in
    /// the first idle gap of its device that fits it after its inputs arrive, as HEFT does; never
    /// worse than appending for the same order, often better. The evaluator checks it like any
    /// given schedule.
    public func insertionSchedule(_ assignment: Assignment) -> [Double] {
        let transfers = TransferSet(self, assignment)
        var start = [Double](repeating: 0, count: layerCount)
        var finish = [Double](repeating: 0, count: layerCount)
        // Busy intervals per device, sorted by start (and so by end).
        var busy = [[(start: Double, end: Double)]](repeating: [], count: deviceCount)
        for v in graph.topologicalOrder(byPriority: upwardRank(assignment, transfers)) {
            let d = assignment.device[v]
            var arrival = 0.0
            for u in graph.predecessors(of: v) {
                arrival = max(arrival, finish[u] + transferTime(assignment, transfers, from: u, to: d))
            }
            let cost = layerCost(assignment, v)
            var low = 0
            var high = busy[d].count
            while low < high {
                let middle = (low + high) / 2
                if busy[d][middle].end <= arrival { low = middle + 1 } else { high = middle }
            }
            var begin = arrival
            var position = low
            while position < busy[d].count, begin + cost > busy[d][position].start {
                begin = max(begin, busy[d][position].end)
                position += 1
            }
            busy[d].insert((begin, begin + cost), at: position)
            start[v] = begin
            finish[v] = begin + cost
        }
        return start
    }
}
