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
    /// network) from `state`, in a configuration of `groups` groups.
    func options(state: Int, groups: Int) -> [(flags: Int, network: Bool)] { table[state][groups == 1 ? 0 : 1] }

    /// The send link's index (0 none, 1 the server's link, 2 the network) of a group.
    func sendIndex(network: Bool, groups: Int) -> Int {
        if multiServer { return network ? 2 : 1 }
        return groups == 1 ? 0 : 1
    }

    /// Whether a finished server state is part of a valid ring.
    func isComplete(_ state: Int) -> Bool { !multiServer || state & Self.network != 0 }
}
