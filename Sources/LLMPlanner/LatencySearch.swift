/// Finds the layout with the smallest time per token when one micro-batch goes round the ring
/// (so one KV cache, and a token's time is the sum of the stage times).
///
/// Per server configuration, a DP over its groups on (role state, layers covered) gives the
/// least time to cover x layers; a group's time is affine in its layers up to what fits its
/// memory, so each DP step is a sliding-window minimum, O(layers) per precision. Servers then
/// combine by a min-plus knapsack on (layers covered, roles placed); a class of identical
/// servers needs at most `layers` copies, whatever the machine count.
struct LatencySearch {
    let space: SearchSpace
    let rules: RoleRules
    let profiles: [[[StageProfile]]]

    /// `profiles` are `space.profiles(inFlight: 1)`, shared by both modes.
    init(space: SearchSpace, multiServer: Bool, profiles: [[[StageProfile]]]) {
        self.space = space
        rules = RoleRules(multiServer: multiServer)
        self.profiles = profiles
    }

    private struct Step {
        var state: Int
        var flags: Int
        var network: Bool
        var layers: Int
        var precision: Int
    }

    /// values[i][state][x]: least time of the first i groups covering x layers; parents alike.
    private struct ConfigurationDP {
        var values: [[[Double]]]
        var parents: [[[Step?]]]
    }

    /// values[state][x] before any group: nothing covered, no role placed.
    private var startValues: [[Double]] {
        var start = [[Double]](repeating: [Double](repeating: .infinity, count: space.layers + 1), count: 8)
        start[0][0] = 0
        return start
    }

    /// One group's DP step from `current` (values[state][x]), with the choice behind each value.
    private func step(_ current: [[Double]], group: Int, lone: Bool, classIndex c: Int) -> (values: [[Double]], parents: [[Step?]]) {
        let layers = space.layers
        var next = [[Double]](repeating: [Double](repeating: .infinity, count: layers + 1), count: 8)
        var parent = [[Step?]](repeating: [Step?](repeating: nil, count: layers + 1), count: 8)
        for state in 0..<8 where current[state].contains(where: { $0 < .infinity }) {
            for option in rules.options(state: state, lone: lone) {
                let send = rules.sendIndex(network: option.network, lone: lone)
                let to = state | option.flags | (option.network ? RoleRules.network : 0)
                for (precision, profile) in profiles[c][SearchSpace.key(group: group, flags: option.flags, send: send)].enumerated() {
                    let cap = min(profile.layersThatFit, layers)
                    guard cap >= 1 else { continue }
                    // next[x] = fixed + x·p + min over y in [x−cap, x−1] of (current[y] − y·p).
                    var window: [Int] = []
                    var head = 0
                    for x in 1...layers {
                        let y = x - 1
                        let key = current[state][y] - Double(y) * profile.decodePerLayer
                        while window.count > head,
                            current[state][window.last!] - Double(window.last!) * profile.decodePerLayer >= key
                        {
                            window.removeLast()
                        }
                        window.append(y)
                        while window[head] < x - cap { head += 1 }
                        let from = window[head]
                        let value = current[state][from] + profile.decodeTime(layers: x - from)
                        if value < next[to][x] {
                            next[to][x] = value
                            parent[to][x] = Step(
                                state: state, flags: option.flags, network: option.network, layers: x - from, precision: precision)
                        }
                    }
                }
            }
        }
        return (next, parent)
    }

    private func configurationDP(_ configuration: [Int], classIndex c: Int) -> ConfigurationDP {
        var dp = ConfigurationDP(values: [startValues], parents: [])
        for group in configuration {
            let (next, parent) = step(dp.values.last!, group: group, lone: configuration.count == 1, classIndex: c)
            dp.values.append(next)
            dp.parents.append(parent)
        }
        return dp
    }

    private func groups(_ dp: ConfigurationDP, configuration: [Int], types: [GroupType], state final: Int, layers x: Int)
        -> [ServerSolution.Group]
    {
        var (state, covered) = (final, x)
        var result: [ServerSolution.Group] = []
        for i in stride(from: configuration.count, to: 0, by: -1) {
            let step = dp.parents[i - 1][state][covered]!
            result.append(
                .init(
                    type: types[configuration[i - 1]], flags: step.flags, network: step.network, layers: step.layers,
                    precision: step.precision))
            (state, covered) = (step.state, covered - step.layers)
        }
        return result.reversed()
    }

    /// The fastest layout's servers, or nil when nothing fits.
    func solve() -> [ServerSolution]? {
        let layers = space.layers
        typealias Entry = (time: Double, configuration: Int, state: Int)
        // Per class: least time per (layers covered, flags) over its configurations.
        var tables: [[[Entry]]] = []
        for (c, serverClass) in space.classes.enumerated() {
            var table = [[Entry]](repeating: [Entry](repeating: (.infinity, 0, 0), count: 4), count: layers + 1)
            var prefixes = PrefixSharingDP(start: startValues)
            for (index, configuration) in serverClass.configurations.enumerated() {
                let last = prefixes.values(after: configuration) { step($0, group: $1, lone: $2, classIndex: c).values }
                for state in 0..<8 where rules.isComplete(state) {
                    for x in 1...layers where last[state][x] < table[x][state & 3].time {
                        table[x][state & 3] = (last[state][x], index, state)
                    }
                }
            }
            tables.append(table)
        }
        func solution(classIndex c: Int, server: Int, layers x: Int, entry: Entry) -> ServerSolution {
            let configuration = space.classes[c].configurations[entry.configuration]
            let dp = configurationDP(configuration, classIndex: c)
            return ServerSolution(
                server: server,
                groups: groups(dp, configuration: configuration, types: space.classes[c].groupTypes, state: entry.state, layers: x))
        }

        if !rules.multiServer {
            let c = tables.indices.min { tables[$0][layers][3].time < tables[$1][layers][3].time }
            guard let c, tables[c][layers][3].time < .infinity else { return nil }
            return [solution(classIndex: c, server: space.classes[c].members[0], layers: layers, entry: tables[c][layers][3])]
        }

        // Knapsack over servers: state (layers covered, flags placed) → least time.
        let width = (layers + 1) * 4
        var best = [Double](repeating: .infinity, count: width)
        best[0] = 0
        var steps: [(classIndex: Int, server: Int, choice: [(x: Int, flags: Int, from: Int)?])] = []
        for (c, serverClass) in space.classes.enumerated() {
            for server in serverClass.members.prefix(layers) {
                var next = best
                var choice = [(x: Int, flags: Int, from: Int)?](repeating: nil, count: width)
                for from in 0..<(layers * 4) where best[from] < .infinity {
                    let (covered, placed) = (from / 4, from % 4)
                    for x in 1...(layers - covered) {
                        for flags in 0..<3 where flags & placed == 0 && tables[c][x][flags].time < .infinity {
                            let to = (covered + x) * 4 + (placed | flags)
                            let value = best[from] + tables[c][x][flags].time
                            if value < next[to] {
                                next[to] = value
                                choice[to] = (x, flags, from)
                            }
                        }
                    }
                }
                best = next
                steps.append((c, server, choice))
            }
        }
        var state = layers * 4 + 3
        guard best[state] < .infinity else { return nil }
        var result: [ServerSolution] = []
        for step in steps.reversed() {
            guard let choice = step.choice[state] else { continue }
            result.append(
                solution(classIndex: step.classIndex, server: step.server, layers: choice.x, entry: tables[step.classIndex][choice.x][choice.flags]))
            state = choice.from
        }
        return result.reversed()
    }
}
