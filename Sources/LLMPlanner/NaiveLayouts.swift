/// The layouts people write by hand, for comparison. Each takes the most preferred precision
/// with which it fits, or the smallest one when none does (its evaluation then says how far
/// over capacity it is).
extension LayoutPlanner {
    /// llama.cpp's default `--tensor-split`: every GPU its own stage, in the cluster's order,
    /// layers in proportion to its memory.
    public func memoryProportionalLayout() -> Layout {
        let gpus = cluster.servers.indices.flatMap { server in
            cluster.servers[server].gpus.flatMap { gpu in (0..<gpu.count).map { (server, gpu.kind, [$0]) } }
        }
        let memory = gpus.map { cluster.catalog.kinds[$0.1]!.memory }
        return fitted(gpus, layers: proportionalShares(memory, total: costModel.model.layers))
    }

    /// Tensor parallelism inside each server and an even pipeline across them (vLLM's and
    /// Megatron's usual recipe): one stage per server and kind, on as many of its GPUs as the
    /// largest allowed tensor-parallel degree takes, the same number of layers each.
    public func uniformLayout() -> Layout {
        let groups = cluster.servers.indices.flatMap { server in
            cluster.servers[server].gpus.map { gpu in
                (server, gpu.kind, Array(0..<(costModel.tensorParallelDegrees(upTo: gpu.count).max() ?? 1)))
            }
        }
        return fitted(groups, layers: proportionalShares(groups.map { _ in 1.0 }, total: costModel.model.layers))
    }

    /// Layers split in proportion to `weights` (largest remainders), so the counts sum to `total`.
    private func proportionalShares(_ weights: [Double], total: Int) -> [Int] {
        let sum = weights.reduce(0, +)
        let exact = weights.map { Double(total) * $0 / sum }
        var shares = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(shares[$0]), -$0) > (exact[$1] - Double(shares[$1]), -$1) }
        for i in byRemainder.prefix(total - shares.reduce(0, +)) { shares[i] += 1 }
        return shares
    }

    /// Stages for the groups that got layers, at the first precision that fits.
    private func fitted(_ groups: [(Int, String, [Int])], layers: [Int]) -> Layout {
        func layout(_ precision: String) -> Layout {
            var stages: [LayoutStage] = []
            var next = 0
            for (group, count) in zip(groups, layers) where count > 0 {
                stages.append(
                    LayoutStage(
                        server: group.0, kind: group.1, gpus: group.2, firstLayer: next, lastLayer: next + count - 1, precision: precision))
                next += count
            }
            return Layout(stages: stages)
        }
        let fitting = precisions.lazy.map(layout).first { costModel.evaluate($0, on: cluster).isValid }
        return fitting ?? layout(smallestPrecision)
    }
}
