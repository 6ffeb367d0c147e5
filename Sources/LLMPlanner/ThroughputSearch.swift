/// Decides whether a pipeline with at most `inFlight` stages (and so a KV cache for that many
/// micro-batches) can run every decode step within a period, and returns one that does.
///
/// Within a period, each group can hold at most the layers that fit its memory and its time
/// (at the precision that allows most), so a period is feasible exactly when some choice of
/// groups and roles covers all layers: a DP over the groups of each server configuration
/// (which group holds the embedding, the head, the network send), then a knapsack over servers
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

    /// A server configuration's best coverage per final role state, with the choices made.
    private struct ConfigurationDP {
        /// values[i][state]: most layers the first i groups cover, -1 when unreachable.
        var values: [[Int]]
        var parents: [[(state: Int, flags: Int, network: Bool)]]
    }

    /// One group's DP step from `current` (most layers covered per state), with the choice
    /// behind each value.
    private func step(_ current: [Int], group: Int, lone: Bool, capacities: [Int])
        -> (values: [Int], parents: [(state: Int, flags: Int, network: Bool)])
    {
        var next = [Int](repeating: -1, count: 8)
        var parent = [(state: Int, flags: Int, network: Bool)](repeating: (0, 0, false), count: 8)
        for state in 0..<8 where current[state] >= 0 {
            for option in rules.options(state: state, lone: lone) {
                let send = rules.sendIndex(network: option.network, lone: lone)
                let n = capacities[SearchSpace.key(group: group, flags: option.flags, send: send)]
                guard n >= 1 else { continue }
                let to = state | option.flags | (option.network ? RoleRules.network : 0)
                if current[state] + n > next[to] {
                    next[to] = current[state] + n
                    parent[to] = (state, option.flags, option.network)
                }
            }
        }
        return (next, parent)
    }

    private static let startValues = [0] + [Int](repeating: -1, count: 7)

    private func coverage(_ configuration: [Int], capacities: [Int]) -> ConfigurationDP {
        var dp = ConfigurationDP(values: [Self.startValues], parents: [])
        for group in configuration {
            let (next, parent) = step(dp.values.last!, group: group, lone: configuration.count == 1, capacities: capacities)
            dp.values.append(next)
            dp.parents.append(parent)
        }
        return dp
    }

    private func groups(_ dp: ConfigurationDP, configuration: [Int], types: [GroupType], capacities: [Int], final: Int)
        -> [ServerSolution.Group]
    {
        var state = final
        var result: [ServerSolution.Group] = []
        for i in stride(from: configuration.count, to: 0, by: -1) {
            let step = dp.parents[i - 1][state]
            let send = rules.sendIndex(network: step.network, lone: configuration.count == 1)
            let n = capacities[SearchSpace.key(group: configuration[i - 1], flags: step.flags, send: send)]
            result.append(.init(type: types[configuration[i - 1]], flags: step.flags, network: step.network, layers: n))
            state = step.state
        }
        return result.reversed()
    }

    /// A layout's servers that run every decode step within `period`, or nil.
    func solve(period: Double) -> [ServerSolution]? {
        let layers = space.layers
        // Per class: the best (coverage, configuration, final state) for (groups used, flags).
        var tables: [[[(coverage: Int, configuration: Int, state: Int)]]] = []
        var capacityTables: [[Int]] = []
        for (c, serverClass) in space.classes.enumerated() {
            let capacities = profiles[c].map { byPrecision in
                byPrecision.map { $0.maxLayers(period: period) }.max() ?? -1
            }
            let maxGroups = serverClass.configurations.map(\.count).max() ?? 0
            var table = [[(coverage: Int, configuration: Int, state: Int)]](
                repeating: [(coverage: Int, configuration: Int, state: Int)](repeating: (-1, 0, 0), count: 4), count: maxGroups + 1)
            var prefixes = PrefixSharingDP(start: Self.startValues)
            for (index, configuration) in serverClass.configurations.enumerated() where configuration.count <= inFlight {
                let last = prefixes.values(after: configuration) { step($0, group: $1, lone: $2, capacities: capacities).values }
                for (state, value) in last.enumerated() where value >= 0 && rules.isComplete(state) {
                    if value > table[configuration.count][state & 3].coverage {
                        table[configuration.count][state & 3] = (value, index, state)
                    }
                }
            }
            tables.append(table)
            capacityTables.append(capacities)
        }
        func solution(classIndex c: Int, server: Int, entry: (coverage: Int, configuration: Int, state: Int)) -> ServerSolution {
            let configuration = space.classes[c].configurations[entry.configuration]
            return ServerSolution(
                server: server,
                groups: groups(
                    coverage(configuration, capacities: capacityTables[c]), configuration: configuration, types: space.classes[c].groupTypes,
                    capacities: capacityTables[c], final: entry.state))
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
