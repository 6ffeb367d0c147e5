import PlacementModel
import Testing

@testable import LLMPlanner

struct GroupKnapsackTests {
    /// A toy step with the shape of the searches': elements (groups q ≤ 3, role r ∈ {0, 1}) at
    /// q·2 + r; a group adds its weight, or, if no group holds the role yet, takes it for its
    /// bonus; a lone group earns twice its weight more.
    struct Toy {
        var weight: [Double]
        var bonus: [Double]

        static func element(_ q: Int, _ role: Int) -> Int { q * 2 + role }

        func step(_ values: [Double], _ group: Int, _ lone: Bool) -> [(value: Double, from: Int, choice: Bool)?] {
            var next = [(value: Double, from: Int, choice: Bool)?](repeating: nil, count: values.count)
            for q in 0..<3 {
                for role in 0...1 where values[Self.element(q, role)] > -1 {
                    let from = Self.element(q, role)
                    var options = [(to: Self.element(q + 1, role), gain: weight[group] * (lone ? 3 : 1), takesRole: false)]
                    if role == 0 { options.append((Self.element(q + 1, 1), bonus[group], true)) }
                    for option in options where values[from] + option.gain > next[option.to]?.value ?? -1 {
                        next[option.to] = (values[from] + option.gain, from, option.takesRole)
                    }
                }
            }
            return next
        }

        /// A multiset's best value per element, every role assignment tried.
        func value(of groups: [Int]) -> [Int: Double] {
            if groups.count == 1 { return [Self.element(1, 0): 3 * weight[groups[0]], Self.element(1, 1): bonus[groups[0]]] }
            let plain = groups.reduce(0) { $0 + weight[$1] }
            let withRole = groups.map { plain - weight[$0] + bonus[$0] }.max()!
            return [Self.element(groups.count, 0): plain, Self.element(groups.count, 1): withRole]
        }
    }

    /// Every multiset of groups of up to three that fits the server (idle GPUs allowed),
    /// listed directly: the oracle.
    func multisets(_ server: Cluster.Server, _ types: [GroupType]) -> [[Int]] {
        var result: [[Int]] = []
        func extend(_ current: [Int], from first: Int) {
            if !current.isEmpty { result.append(current) }
            guard current.count < 3 else { return }
            for t in first..<types.count {
                let used = (current + [t]).filter { types[$0].kind == types[t].kind }.reduce(0) { $0 + types[$1].degree }
                if used <= server.gpus.first(where: { $0.kind == types[t].kind })!.count { extend(current + [t], from: t) }
            }
        }
        extend([], from: 0)
        return result
    }

    /// The knapsack's values equal the best over every listed multiset, and the groups it
    /// returns fit the server and reach the value.
    @Test func knapsackMatchesListingEveryCut() throws {
        let catalog = try testCatalog()
        var random = SeededGenerator(seed: 7)
        for gpus in [[("small", 1)], [("small", 5)], [("small", 3), ("big", 4)], [("big", 6), ("small", 2)]] {
            let server = cluster([("s", gpus)], catalog: catalog).servers[0]
            let types = server.gpus.flatMap { gpu in [1, 2, 4].filter { $0 <= gpu.count }.map { GroupType(kind: gpu.kind, degree: $0) } }
            for _ in 0..<5 {
                let toy = Toy(
                    weight: types.map { _ in Double(Int.random(in: 1...9, using: &random)) },
                    bonus: types.map { _ in Double(Int.random(in: 1...20, using: &random)) })
                var start = [Double](repeating: -1, count: Toy.element(4, 0))
                start[0] = 0
                let knapsack = GroupKnapsack(server: server, groupTypes: types, start: start, unreachable: -1, isBetter: >, step: toy.step)
                var expected = [Double](repeating: -1, count: start.count)
                expected[0] = 0
                for groups in multisets(server, types) {
                    for (element, value) in toy.value(of: groups) { expected[element] = max(expected[element], value) }
                }
                #expect(knapsack.values == expected, "\(gpus)")
                for element in 2..<start.count where expected[element] >= 0 {
                    let groups = knapsack.groups(reaching: element)
                    let indices = groups.map(\.index)
                    #expect(groups.allSatisfy { $0.lone == (groups.count == 1) })
                    #expect(multisets(server, types).contains(indices.sorted()), "\(indices)")
                    #expect(toy.value(of: indices)[element] == expected[element], "\(gpus) \(element)")
                }
            }
        }
    }
}
