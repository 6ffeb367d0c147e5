@testable import PlacementModel
import Testing

@Suite struct LayerGraphTests {
    @Test func topologicalOrderPrefersFileOrderAmongReadyLayers() throws {
        // 3 → 1, 0 → 2; ready at first: 0 and 3.
        let graph = try LayerGraph.build(count: 4, edges: [(3, 1), (0, 2)]).get()
        #expect(graph.topologicalOrder == [0, 2, 3, 1])
        #expect(Array(graph.successors(of: 3)) == [1])
        #expect(Array(graph.predecessors(of: 2)) == [0])
    }

    @Test func priorityOrderTakesTheHighestReadyLayer() throws {
        // 0 → 1 and 2 → 3. First: 0 and 2 tie, so the lower index goes first; then 1 (5) beats
        // 2 (4), and 3 (9) waits for 2. Second: 2 (6) beats 0, and then 3 (9) is ready and
        // highest. Third: after 0, layer 2 (4) beats 1 (1); 1 and 3 then tie.
        let graph = try LayerGraph.build(count: 4, edges: [(0, 1), (2, 3)]).get()
        #expect(graph.topologicalOrder(byPriority: [4, 5, 4, 9]) == [0, 1, 2, 3])
        #expect(graph.topologicalOrder(byPriority: [4, 5, 6, 9]) == [2, 3, 0, 1])
        #expect(graph.topologicalOrder(byPriority: [4, 1, 4, 1]) == [0, 2, 1, 3])
    }

    @Test func cycleIsReportedFromItsEarliestLayer() {
        guard case .failure(let cycle) = LayerGraph.build(count: 4, edges: [(0, 1), (2, 1), (1, 3), (3, 2)]) else {
            Issue.record("expected a cycle")
            return
        }
        #expect(cycle.layers == [1, 3, 2])
    }

    @Test func reachabilityMatchesDepthFirstSearch() throws {
        // A random DAG on 150 layers (edges go forward in index), checked against plain DFS.
        var rng = SeededGenerator(seed: 7)
        var edges: [(from: Int, to: Int)] = []
        for v in 1..<150 {
            for _ in 0..<Int(rng.next() % 3) { edges.append((Int(rng.next() % UInt64(v)), v)) }
        }
        let graph = try LayerGraph.build(count: 150, edges: edges).get()
        let reach = Reachability(graph)
        for u in 0..<150 {
            var seen = Set<Int>()
            var stack = Array(graph.successors(of: u))
            while let w = stack.popLast() {
                if seen.insert(w).inserted { stack += graph.successors(of: w) }
            }
            for v in 0..<150 { #expect(reach.reaches(u, v) == seen.contains(v)) }
        }
    }

    @Test func heapPopsInOrder() {
        var heap = MinHeap<Int>()
        for x in [5, 1, 4, 1, 9, 2, 6] { heap.push(x) }
        var out: [Int] = []
        while let x = heap.pop() { out.append(x) }
        #expect(out == [1, 1, 2, 4, 5, 6, 9])
    }
}

