import PlacementModel

/// SPEC §6: the exact optimum of a tiny instance by enumeration, independent of the solvers.
/// Throughput: every assignment (device × precision per layer) that the evaluator accepts,
/// by its period. Latency: additionally every topological order, each scheduled by "append"
/// ASAP (every semi-active schedule, hence an optimal one, is the ASAP schedule of the order
/// of its start times). Returns nil when no assignment is valid (infeasible).
enum Oracle {
    static func optimum(_ problem: Problem, _ objective: Objective) -> Double? {
        let n = problem.layerCount
        let choices = (0..<problem.deviceCount).flatMap { d in (0..<problem.precisionCount).map { (d, $0) } }
        let orders = objective == .latency ? topologicalOrders(problem.graph) : []
        var best: Double?
        var index = [Int](repeating: 0, count: n)
        while true {
            let assignment = Assignment(device: index.map { choices[$0].0 }, precision: index.map { choices[$0].1 })
            let evaluation = problem.evaluate(assignment)
            if evaluation.isValid {
                let value = objective == .throughput ? evaluation.period : orders.map { appendSchedule(problem, assignment, $0) }.min()!
                best = min(best ?? .infinity, value)
            }
            // Next assignment, odometer style.
            var k = 0
            while k < n {
                index[k] += 1
                if index[k] < choices.count { break }
                index[k] = 0
                k += 1
            }
            if k == n { return best }
        }
    }

    /// All topological orders of a small DAG.
    static func topologicalOrders(_ graph: LayerGraph) -> [[Int]] {
        var orders: [[Int]] = []
        var indegree = (0..<graph.count).map { graph.predecessors(of: $0).count }
        var order: [Int] = []
        func extend() {
            if order.count == graph.count {
                orders.append(order)
                return
            }
            for v in 0..<graph.count where indegree[v] == 0 && !order.contains(v) {
                order.append(v)
                for w in graph.successors(of: v) { indegree[w] -= 1 }
                extend()
                for w in graph.successors(of: v) { indegree[w] += 1 }
                order.removeLast()
            }
        }
        extend()
        return orders
    }

    static func countTopologicalOrders(_ graph: LayerGraph) -> Int {
        // Dynamic programming over subsets of placed layers.
        let n = graph.count
        var ways = [Int](repeating: 0, count: 1 << n)
        ways[0] = 1
        for placed in 0..<(1 << n) where ways[placed] > 0 {
            for v in 0..<n where placed & (1 << v) == 0 && graph.predecessors(of: v).allSatisfy({ placed & (1 << $0) != 0 }) {
                ways[placed | (1 << v)] += ways[placed]
            }
        }
        return ways[(1 << n) - 1]
    }

    /// Makespan of scheduling layers in `order`, each at the later of its inputs' arrival and
    /// its device's last finish. Transfer bytes: the largest edge of u into the device (SPEC §2).
    static func appendSchedule(_ problem: Problem, _ a: Assignment, _ order: [Int]) -> Double {
        var finish = [Double](repeating: 0, count: problem.layerCount)
        var free = [Double](repeating: 0, count: problem.deviceCount)
        for v in order {
            let d = a.device[v]
            var begin = free[d]
            for u in problem.graph.predecessors(of: v) where a.device[u] != d {
                var bytes = 0.0
                let graph = problem.graph
                for i in graph.successorStart[u]..<graph.successorStart[u + 1] where a.device[graph.successors[i]] == d {
                    let elements = problem.instance.edges[graph.successorEdge[i]].elements ?? problem.instance.layers[u].outputElements
                    bytes = max(bytes, elements * Double(problem.instance.precisions[a.precision[u]].bits) / 8)
                }
                begin = max(begin, finish[u] + problem.transfers.time(from: a.device[u], to: d, bytes: bytes))
            } 
            for u in problem.graph.predecessors(of: v) where a.device[u] == d { begin = max(begin, finish[u]) }
            finish[v] = begin + problem.cost(v, d, a.precision[v])
            free[d] = finish[v]
        }
        return finish.max() ?? 0
    }
}
