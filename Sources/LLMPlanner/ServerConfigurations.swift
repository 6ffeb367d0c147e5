import PlacementModel

/// A tensor-parallel group: `degree` GPUs of one kind inside one server.
struct GroupType: Sendable, Hashable {
    var kind: String
    var degree: Int
}

/// Every way to cut one server into tensor-parallel groups (idle GPUs allowed), as lists of
/// groups in a canonical order: per kind, degrees non-increasing. Identical GPUs make the
/// choice of which GPUs form a group irrelevant, so a server of eight GPUs has a few dozen
/// configurations, not 8! orders.
func serverConfigurations(_ server: Cluster.Server, degrees: (Int) -> [Int]) -> [[GroupType]] {
    var result: [[GroupType]] = [[]]
    for gpu in server.gpus {
        let allowed = degrees(gpu.count).sorted(by: >)
        var multisets: [[Int]] = []
        func extend(_ current: [Int], remaining: Int, largest: Int) {
            multisets.append(current)
            for degree in allowed where degree <= min(remaining, largest) {
                extend(current + [degree], remaining: remaining - degree, largest: degree)
            }
        }
        extend([], remaining: gpu.count, largest: gpu.count)
        result = result.flatMap { prefix in multisets.map { prefix + $0.map { GroupType(kind: gpu.kind, degree: $0) } } }
    }
    return result.filter { !$0.isEmpty }
}

/// How many configurations `serverConfigurations` lists, counted without listing them: per
/// kind, the multisets of allowed degrees that fit its GPUs (Double: 1,000 GPUs have 1e11).
func serverConfigurationCount(_ server: Cluster.Server, degrees: (Int) -> [Int]) -> Double {
    let perKind = server.gpus.map { gpu in
        // ways[s]: multisets of the degrees so far that sum to exactly s.
        var ways = [Double](repeating: 0, count: gpu.count + 1)
        ways[0] = 1
        for degree in degrees(gpu.count) where degree <= gpu.count {
            for s in degree...gpu.count { ways[s] += ways[s - degree] }
        }
        return ways.reduce(0, +)
    }
    return perKind.reduce(1, *) - 1  // without the configuration that uses no GPU
}

/// The special places in the ring and the rules for giving them to one server's groups. A
/// state packs what the server's groups hold so far: bit 0 the embedding (first stage), bit 1
/// the head (last stage), bit 2 "a group already sends over the network".
///
/// Stages of one server sit next to each other in the ring. Across servers, exactly one group
/// per used server sends over the network (the server's last stage) and the others use the
/// server's link; the head's stage ends the ring, so it is its server's network sender; the
/// embedding's stage starts the ring, so it is its server's first; and one server cannot hold
/// both the first and the last stage unless it is the only one. On a
/// single server every group sends over its link, and a lone stage sends nothing.
struct RoleRules {
    static let embedding = 1
    static let head = 2
    static let network = 4

    let multiServer: Bool
    /// Options per state, for a lone group and for a group among several.
    private let table: [[[(flags: Int, network: Bool)]]]

    init(multiServer: Bool) {
        self.multiServer = multiServer
        table = (0..<8).map { state in
            [true, false].map { lone in
                var result: [(flags: Int, network: Bool)] = []
                for flags in 0...3 where flags & state == 0 {
                    if multiServer {
                        if flags | (state & 3) == 3 { continue }
                        // The embedding's group comes first in its server, so it can be the
                        // network sender (the server's last stage) only when it is alone.
                        if state & Self.network == 0 && (flags & Self.embedding == 0 || lone) { result.append((flags, true)) }
                        if flags & Self.head == 0 { result.append((flags, false)) }
                    } else if flags != 3 || lone {
                        result.append((flags, false))
                    }
                }
                return result
            }
        }
    }

    /// The roles a group may take next (flags of embedding/head, whether it sends over the
    /// network) from `state`, alone in its server's configuration or among several groups.
    func options(state: Int, lone: Bool) -> [(flags: Int, network: Bool)] { table[state][lone ? 0 : 1] }

    /// The send link's index (0 none, 1 the server's link, 2 the network) of a group.
    func sendIndex(network: Bool, lone: Bool) -> Int {
        if multiServer { return network ? 2 : 1 }
        return lone ? 0 : 1
    }

    /// Whether a finished server state is part of a valid ring.
    func isComplete(_ state: Int) -> Bool { !multiServer || state & Self.network != 0 }
}

/// A DP over the groups of each configuration in turn that reuses the steps of the prefix it
/// shares with the configuration before. `serverConfigurations` lists them depth first, so each
/// mostly adds one group to a computed prefix: one step per configuration instead of one per
/// group. A lone group (a configuration of one) has roles of its own and is stepped apart.
/// Llama-2-13B on a server of 72 RTX 4090s (and one of 4 T4s), 26,499 configurations of up to
/// 72 groups: the latency search went from 7.5 to 0.36 s, the throughput search from 22.8 to
/// 0.56 s.
struct PrefixSharingDP<Values> {
    private var groups: [Int] = []
    /// stack[i]: the values after the first i groups of `groups`.
    private var stack: [Values]

    init(start: Values) { stack = [start] }

    /// The values after all of `configuration`'s groups, where `step(values, group, lone)`
    /// applies one group.
    mutating func values(after configuration: [Int], step: (Values, Int, Bool) -> Values) -> Values {
        if configuration.count == 1 { return step(stack[0], configuration[0], true) }
        var shared = 0
        while shared < min(groups.count, configuration.count), groups[shared] == configuration[shared] { shared += 1 }
        groups.removeLast(groups.count - shared)
        stack.removeLast(stack.count - 1 - shared)
        for group in configuration[shared...] {
            stack.append(step(stack.last!, group, false))
            groups.append(group)
        }
        return stack.last!
    }
}
