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
    /// network) from `state`, alone in its server or among several groups.
    func options(state: Int, lone: Bool) -> [(flags: Int, network: Bool)] { table[state][lone ? 0 : 1] }

    /// The send link's index (0 none, 1 the server's link, 2 the network) of a group.
    func sendIndex(network: Bool, lone: Bool) -> Int {
        if multiServer { return network ? 2 : 1 }
        return lone ? 0 : 1
    }

    /// Whether a finished server state is part of a valid ring.
    func isComplete(_ state: Int) -> Bool { !multiServer || state & Self.network != 0 }
}
