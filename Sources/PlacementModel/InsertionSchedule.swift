extension Problem {
    /// A schedule for an assignment in upward-rank order (as list scheduling), but each layer in
    /// the first idle gap of its device that fits it after its inputs arrive, as HEFT does; never
    /// worse than appending for the same order, often better. The evaluator checks it like any
    /// given schedule.
    public func insertionSchedule(_ assignment: Assignment) -> [Double] {
        let transfers = TransferSet(self, assignment)
        let n = layerCount
        var rank = [Double](repeating: 0, count: n)
        for v in graph.topologicalOrder.reversed() {
            var tail = 0.0
            for w in graph.successors(of: v) {
                tail = max(tail, transferTime(assignment, transfers, from: v, to: assignment.device[w]) + rank[w])
            }
            rank[v] = layerCost(assignment, v) + tail
        }
        struct Ready: Comparable {
            let rank: Double
            let layer: Int
            static func < (a: Ready, b: Ready) -> Bool { a.rank > b.rank || (a.rank == b.rank && a.layer < b.layer) }
        }
        var waiting = (0..<n).map { graph.predecessorStart[$0 + 1] - graph.predecessorStart[$0] }
        var ready = MinHeap<Ready>()
        for v in 0..<n where waiting[v] == 0 { ready.push(Ready(rank: rank[v], layer: v)) }
        var start = [Double](repeating: 0, count: n)
        var finish = [Double](repeating: 0, count: n)
        // Busy intervals per device, sorted by start (and so by end).
        var busy = [[(start: Double, end: Double)]](repeating: [], count: deviceCount)
        while let next = ready.pop() {
            let v = next.layer
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
            for w in graph.successors(of: v) {
                waiting[w] -= 1
                if waiting[w] == 0 { ready.push(Ready(rank: rank[w], layer: w)) }
            }
        }
        return start
    }
}
