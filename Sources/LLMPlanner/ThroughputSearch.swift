/// Decides whether a pipeline with at most `inFlight` stages (and so a KV cache for that many
/// micro-batches) can run every decode step within a period, and returns one that does.
///
/// Within a period, each group can hold at most the layers that fit its memory and its time
/// (at the precision that allows most), so a period is feasible exactly when some choice of
/// groups and roles covers all layers: a DP over each server's groups (which group holds the
/// embedding, the head, the network send; `GroupKnapsack`), then a knapsack over servers
/// on (stages used, roles placed). Identical servers share their class's tables, and at most
/// `inFlight` of them can be used, so the knapsack does not grow with the machine count.
struct ThroughputSearch {
    let space: SearchSpace
    let rules: RoleRules
    let inFlight: Int
    let profiles: [[[StageProfile]]]

    /// `profiles` are `space.profiles(inFlight:)` for this inFlight, shared by both modes.
    init(space: SearchSpace, multiServer: Bool, inFlight: Int, profiles: [[[StageProfile]]]) {
        self.space = space
        rules = RoleRules(multiServer: multiServer)
        self.inFlight = inFlight
        self.profiles = profiles
    }

    /// Elements of the server DP: (groups used q, role state) at q·8 + state.
    private static func element(groups q: Int, state: Int) -> Int { q * 8 + state }

    /// One group's DP step: from the most layers covered per (groups used, role state), the
    /// most after one more group, with the element before and the roles taken.
    private func step(_ current: [Double], group: Int, lone: Bool, capacities: [Int])
        -> [(value: Double, from: Int, choice: (flags: Int, network: Bool))?]
    {
        var next = [(value: Double, from: Int, choice: (flags: Int, network: Bool))?](repeating: nil, count: current.count)
        for q in 0..<(current.count / 8 - 1) {
            for state in 0..<8 where current[Self.element(groups: q, state: state)] >= 0 {
                let from = Self.element(groups: q, state: state)
                for option in rules.options(state: state, lone: lone) {
                    let send = rules.sendIndex(network: option.network, lone: lone)
                    let n = capacities[SearchSpace.key(group: group, flags: option.flags, send: send)]
                    guard n >= 1 else { continue }
                    let to = Self.element(groups: q + 1, state: state | option.flags | (option.network ? RoleRules.network : 0))
                    let value = current[from] + Double(n)
                    if value > next[to]?.value ?? -1 { next[to] = (value, from, (option.flags, option.network)) }
                }
            }
        }
        return next
    }

    /// The groups behind a server's entry, with the layers each covers.
    private func groups(
        _ knapsack: GroupKnapsack<(flags: Int, network: Bool)>, element: Int, types: [GroupType], capacities: [Int]
    ) -> [ServerSolution.Group] {
        knapsack.groups(reaching: element).map { group in
            let send = rules.sendIndex(network: group.choice.network, lone: group.lone)
            let n = capacities[SearchSpace.key(group: group.index, flags: group.choice.flags, send: send)]
            return .init(type: types[group.index], flags: group.choice.flags, network: group.choice.network, layers: n)
        }
    }

    /// A layout's servers that run every decode step within `period`, or nil.
    func solve(period: Double) -> [ServerSolution]? {
        let layers = space.layers
        // Per class: the best (coverage, element) for (groups used, flags), and its DP.
        var tables: [[[(coverage: Int, element: Int)]]] = []
        var knapsacks: [GroupKnapsack<(flags: Int, network: Bool)>] = []
        var capacityTables: [[Int]] = []
        for (c, serverClass) in space.classes.enumerated() {
            let capacities = profiles[c].map { byPrecision in
                byPrecision.map { $0.maxLayers(period: period) }.max() ?? -1
            }
            // A server holds at most one group per GPU.
            let maxGroups = min(inFlight, serverClass.template.gpus.reduce(0) { $0 + $1.count })
            var start = [Double](repeating: -1, count: Self.element(groups: maxGroups + 1, state: 0))
            start[0] = 0
            let knapsack = GroupKnapsack(
                server: serverClass.template, groupTypes: serverClass.groupTypes, start: start, unreachable: -1, isBetter: >
            ) { step($0, group: $1, lone: $2, capacities: capacities) }
            var table = [[(coverage: Int, element: Int)]](
                repeating: [(coverage: Int, element: Int)](repeating: (-1, 0), count: 4), count: maxGroups + 1)
            for q in 1...maxGroups {
                for state in 0..<8 where rules.isComplete(state) {
                    let element = Self.element(groups: q, state: state)
                    let value = Int(knapsack.values[element])
                    if value > table[q][state & 3].coverage { table[q][state & 3] = (value, element) }
                }
            }
            tables.append(table)
            knapsacks.append(knapsack)
            capacityTables.append(capacities)
        }
        func solution(classIndex c: Int, server: Int, entry: (coverage: Int, element: Int)) -> ServerSolution {
            ServerSolution(
                server: server,
                groups: groups(knapsacks[c], element: entry.element, types: space.classes[c].groupTypes, capacities: capacityTables[c]))
        }

        if !rules.multiServer {
            for (c, table) in tables.enumerated() {
                for q in table.indices where q <= inFlight && table[q][3].coverage >= layers {
                    return [solution(classIndex: c, server: space.classes[c].members[0], entry: table[q][3])]
                }
            }
            return nil
        }

        // Knapsack over servers: state (stages used, flags placed) → most layers covered.
        let width = (inFlight + 1) * 4
        var best = [Int](repeating: -1, count: width)
        best[0] = 0
        var steps: [(classIndex: Int, server: Int, choice: [(q: Int, flags: Int, from: Int)?])] = []
        for (c, serverClass) in space.classes.enumerated() {
            for server in serverClass.members.prefix(inFlight) {
                var next = best
                var choice = [(q: Int, flags: Int, from: Int)?](repeating: nil, count: width)
                for from in 0..<width where best[from] >= 0 {
                    let (used, placed) = (from / 4, from % 4)
                    for q in 1..<tables[c].count where used + q <= inFlight {
                        for flags in 0..<3 where flags & placed == 0 && tables[c][q][flags].coverage >= 1 {
                            let to = (used + q) * 4 + (placed | flags)
                            let value = best[from] + tables[c][q][flags].coverage
                            if value > next[to] {
                                next[to] = value
                                choice[to] = (q, flags, from)
                            }
                        }
                    }
                }
                best = next
                steps.append((c, server, choice))
            }
        }
        guard let final = (0...inFlight).map({ $0 * 4 + 3 }).first(where: { best[$0] >= layers }) else { return nil }
        var result: [ServerSolution] = []
        var state = final
        for step in steps.reversed() {
            guard let choice = step.choice[state] else { continue }
            result.append(solution(classIndex: step.classIndex, server: step.server, entry: tables[step.classIndex][choice.q][choice.flags]))
            state = choice.from
        }
        return result.reversed()
    }
}
