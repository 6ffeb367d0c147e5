import PlacementModel

/// A tensor-parallel group: `degree` GPUs of one kind inside one server.
struct GroupType: Sendable, Hashable {
    var kind: String
    var degree: Int
}

/// The best values a search's DP reaches over every way to cut one server into tensor-parallel
/// groups (idle GPUs allowed), without listing the ways: per GPU kind, an unbounded knapsack on
/// the GPUs used, whose items are groups of each allowed degree, each added by the search's
/// step. The step's values do not depend on the order groups are added in, so a multiset of
/// groups needs one path, and the work grows with the GPU count, not with the number of ways:
/// a server of 256 T4s has 3.2 million ways for Llama-2-13B (listing them took 11 GB and 27 s);
/// the throughput search now plans the model on it in 0.1 s.
///
/// A cut into one group is special: that group is alone in its server (`lone`), with roles of
/// its own. The knapsack steps every group as one among several; lone groups are stepped from
/// the start apart and merged into the final values, winning ties. Stepped as one among
/// several, a single group has a subset of a lone group's roles at values no better (in both
/// searches), so the merge loses nothing and a cut into one group always comes out lone.
struct GroupKnapsack<Choice> {
    /// A search's DP step: from the values of the groups so far, the best reachable value of
    /// each element after one more group, with the element it came from and the choice made.
    typealias Step = (_ values: [Double], _ group: Int, _ lone: Bool) -> [(value: Double, from: Int, choice: Choice)?]

    /// An element's value came from element `element` of cell `cell` by adding `group` (with
    /// `choice`), or, without a group, is carried over from the cells of the kind before.
    private struct Origin {
        var cell: Int
        var element: Int
        var group: (index: Int, choice: Choice, lone: Bool)?
    }

    /// cells[0]: the start; then per kind one cell per GPU count used and one for the best over
    /// them. The last cell holds the final values.
    private var cells: [[Double]]
    private var origins: [[Origin?]]

    /// `isBetter(a, b)`: value a beats value b; `unreachable` loses to every value.
    init(
        server: Cluster.Server, groupTypes: [GroupType], start: [Double], unreachable: Double,
        isBetter: (Double, Double) -> Bool, step: Step
    ) {
        cells = [start]
        origins = [[Origin?](repeating: nil, count: start.count)]
        // A lone group also takes ties, so that a cut into one group is stepped as lone.
        func improve(_ cell: Int, with candidates: [(value: Double, from: Int, choice: Choice)?], from source: Int, group: Int, lone: Bool) {
            for (element, candidate) in candidates.enumerated() {
                guard let candidate, isBetter(candidate.value, cells[cell][element]) || lone && candidate.value == cells[cell][element]
                else { continue }
                cells[cell][element] = candidate.value
                origins[cell][element] = Origin(cell: source, element: candidate.from, group: (group, candidate.choice, lone))
            }
        }
        func isReachable(_ cell: Int) -> Bool { cells[cell].contains { $0 != unreachable } }
        var entry = 0
        for gpu in server.gpus {
            // Cell base + u: the best values with u GPUs of this kind in groups.
            let base = cells.count
            cells.append(cells[entry])
            origins.append(start.indices.map { Origin(cell: entry, element: $0, group: nil) })
            for _ in 0..<gpu.count {
                cells.append([Double](repeating: unreachable, count: start.count))
                origins.append([Origin?](repeating: nil, count: start.count))
            }
            for (group, type) in groupTypes.enumerated() where type.kind == gpu.kind && type.degree <= gpu.count {
                for used in type.degree...gpu.count where isReachable(base + used - type.degree) {
                    let source = base + used - type.degree
                    improve(base + used, with: step(cells[source], group, false), from: source, group: group, lone: false)
                }
            }
            // Idle GPUs allowed: the best over every count used.
            entry = cells.count
            cells.append([Double](repeating: unreachable, count: start.count))
            origins.append([Origin?](repeating: nil, count: start.count))
            for used in 0...gpu.count {
                for (element, value) in cells[base + used].enumerated() where isBetter(value, cells[entry][element]) {
                    cells[entry][element] = value
                    origins[entry][element] = Origin(cell: base + used, element: element, group: nil)
                }
            }
        }
        let count = server.gpus.reduce(into: [String: Int]()) { $0[$1.kind] = $1.count }
        for (group, type) in groupTypes.enumerated() where type.degree <= count[type.kind, default: 0] {
            improve(entry, with: step(start, group, true), from: 0, group: group, lone: true)
        }
    }

    /// The best value of every element over all cuts into at least one group.
    var values: [Double] { cells[cells.count - 1] }

    /// The groups behind `values[element]`, in the order they were added, with their choices
    /// and whether the group is alone in its server.
    func groups(reaching element: Int) -> [(index: Int, choice: Choice, lone: Bool)] {
        var result: [(index: Int, choice: Choice, lone: Bool)] = []
        var (cell, element) = (cells.count - 1, element)
        while let origin = origins[cell][element] {
            if let group = origin.group { result.append(group) }
            (cell, element) = (origin.cell, origin.element)
        }
        return result.reversed()
    }
}
