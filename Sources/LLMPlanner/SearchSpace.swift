import PlacementModel

/// What the layout searches share: server classes, the group types of each,
/// and stage profiles indexed by (group type, embedding/head flags, send link, precision).
struct SearchSpace {
    struct ServerClass {
        var template: Cluster.Server
        var members: [Int]
        var groupTypes: [GroupType]
    }

    let costModel: ServingCostModel
    let cluster: Cluster
    let precisions: [String]
    let classes: [ServerClass]
    let layers: Int

    init(costModel: ServingCostModel, cluster: Cluster, precisions: [String]) {
        self.costModel = costModel
        self.cluster = cluster
        self.precisions = precisions
        layers = costModel.model.layers
        classes = cluster.classes.map { serverClass in
            let types = serverClass.template.gpus.flatMap { gpu in
                costModel.tensorParallelDegrees(upTo: gpu.count).map { GroupType(kind: gpu.kind, degree: $0) }
            }
            return ServerClass(template: serverClass.template, members: serverClass.members, groupTypes: types)
        }
    }

    /// Index of a (group type, flags, send) triple in `profiles(inFlight:)`'s per-class arrays.
    static func key(group: Int, flags: Int, send: Int) -> Int { (group * 4 + flags) * 3 + send }

    /// Per class, per key, per precision (in `precisions` order): the stage's profile.
    func profiles(inFlight: Int) -> [[[StageProfile]]] {
        classes.map { serverClass in
            var table = [[StageProfile]](repeating: [], count: serverClass.groupTypes.count * 12)
            for (g, type) in serverClass.groupTypes.enumerated() {
                for flags in 0...3 {
                    for send in 0...2 {
                        let link: Link? = send == 0 ? nil : send == 1 ? serverClass.template.intraLink : cluster.network
                        let role = StageRole(embedding: flags & RoleRules.embedding != 0, head: flags & RoleRules.head != 0, send: link)
                        table[Self.key(group: g, flags: flags, send: send)] = precisions.map {
                            costModel.profile(
                                kind: type.kind, tensorParallel: type.degree, precision: $0, role: role,
                                intraLink: serverClass.template.intraLink, inFlight: inFlight)
                        }
                    }
                }
            }
            return table
        }
    }
}

/// One server's part of a found layout: its groups in the order the search added them, with
/// their roles and layer counts (and precisions where the search fixed them).
struct ServerSolution {
    struct Group {
        var type: GroupType
        var flags: Int
        var network: Bool
        var layers: Int
        var precision: Int?
    }

    var server: Int
    var groups: [Group]
}
