/// Finds the layout with the smallest time per token when one micro-batch goes round the ring
/// (so one KV cache, and a token's time is the sum of the stage times).
///
/// Per server, a DP over its groups (`GroupKnapsack`) on (role state, layers covered) gives
/// the least time to cover x layers; a group's time is affine in its layers up to what fits its
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

    /// The roles, layers and precision a group takes.
    private struct Choice {
        var flags: Int
        var network: Bool
        var layers: Int
        var precision: Int
    }

    /// Elements of the server DP: (role state, layers covered x) at state·(layers + 1) + x.
    private func element(state: Int, layers x: Int) -> Int { state * (space.layers + 1) + x }

    /// One group's DP step: from the least time per (role state, layers covered), the least
    /// after one more group, with the element before and the choice made.
    private func step(_ current: [Double], group: Int, lone: Bool, classIndex c: Int) -> [(value: Double, from: Int, choice: Choice)?] {
        let layers = space.layers
        var next = [(value: Double, from: Int, choice: Choice)?](repeating: nil, count: current.count)
        for state in 0..<8 {
            let row = element(state: state, layers: 0)
            guard current[row...(row + layers)].contains(where: { $0 < .infinity }) else { continue }
            for option in rules.options(state: state, lone: lone) {
                let send = rules.sendIndex(network: option.network, lone: lone)
                let to = element(state: state | option.flags | (option.network ? RoleRules.network : 0), layers: 0)
                for (precision, profile) in profiles[c][SearchSpace.key(group: group, flags: option.flags, send: send)].enumerated() {
                    let cap = min(profile.layersThatFit, layers)
                    guard cap >= 1 else { continue }
                    // next[x] = fixed + x·p + min over y in [x−cap, x−1] of (current[y] − y·p).
                    var window: [Int] = []
                    var head = 0
                    for x in 1...layers {
                        let y = x - 1
                        let key = current[row + y] - Double(y) * profile.decodePerLayer
                        while window.count > head, current[row + window.last!] - Double(window.last!) * profile.decodePerLayer >= key {
                            window.removeLast()
                        }
                        window.append(y)
                        while window[head] < x - cap { head += 1 }
                        let from = window[head]
                        let value = current[row + from] + profile.decodeTime(layers: x - from)
                        if value < next[to + x]?.value ?? .infinity {
                            next[to + x] = (
                                value, row + from,
                                Choice(flags: option.flags, network: option.network, layers: x - from, precision: precision)
                            )
                        }
                    }
                }
            }
        }
        return next
    }

    /// The fastest layout's servers, or nil when nothing fits.
    func solve() -> [ServerSolution]? {
        let layers = space.layers
        typealias Entry = (time: Double, element: Int)
        // Per class: least time per (layers covered, flags), and its DP.
        var tables: [[[Entry]]] = []
        var knapsacks: [GroupKnapsack<Choice>] = []
        for (c, serverClass) in space.classes.enumerated() {
            var start = [Double](repeating: .infinity, count: element(state: 8, layers: 0))
            start[0] = 0
            let knapsack = GroupKnapsack(
                server: serverClass.template, groupTypes: serverClass.groupTypes, start: start, unreachable: .infinity, isBetter: <
            ) { step($0, group: $1, lone: $2, classIndex: c) }
            var table = [[Entry]](repeating: [Entry](repeating: (.infinity, 0), count: 4), count: layers + 1)
            for state in 0..<8 where rules.isComplete(state) {
                for x in 1...layers {
                    let e = element(state: state, layers: x)
                    if knapsack.values[e] < table[x][state & 3].time { table[x][state & 3] = (knapsack.values[e], e) }
                }
            }
            tables.append(table)
            knapsacks.append(knapsack)
        }
        func solution(classIndex c: Int, server: Int, entry: Entry) -> ServerSolution {
            let types = space.classes[c].groupTypes
            return ServerSolution(
                server: server,
                groups: knapsacks[c].groups(reaching: entry.element).map { group in
                    .init(
                        type: types[group.index], flags: group.choice.flags, network: group.choice.network, layers: group.choice.layers,
                        precision: group.choice.precision)
                })
        }

        if !rules.multiServer {
            let c = tables.indices.min { tables[$0][layers][3].time < tables[$1][layers][3].time }
            guard let c, tables[c][layers][3].time < .infinity else { return nil }
            return [solution(classIndex: c, server: space.classes[c].members[0], entry: tables[c][layers][3])]
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
                solution(classIndex: step.classIndex, server: step.server, entry: tables[step.classIndex][choice.x][choice.flags]))
            state = choice.from
        }
        return result.reversed()
    }
}
