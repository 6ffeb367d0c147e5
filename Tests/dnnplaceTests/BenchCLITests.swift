import Foundation
import Reports
import Testing

@Suite struct BenchCLITests {
    func rows(_ path: String) throws -> [BenchmarkRow] {
        try BenchmarkTable.parse(String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    @Test func shardsPartitionTheWorkExactlyOnceAndMergeBack() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = scratch.path
        let suite = ["random:layers=12,seed=1", "random:layers=12,seed=2", "random:layers=15,seed=3"]
        for shard in ["1/2", "2/2"] {
            let run = try dnnplace(["bench"] + suite + ["--methods", "greedy,heft,single", "--time-limit", "2", "--shard", shard, "--out", "\(folder)/part\(shard.prefix(1))"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let first = try rows("\(folder)/part1.csv").map(\.key)
        let second = try rows("\(folder)/part2.csv").map(\.key)
        #expect(Set(first).isDisjoint(with: second))
        #expect(first.count + second.count == 3 * 3 * 2)
        let merge = try dnnplace(["bench", "merge", "\(folder)/part1.csv", "\(folder)/part2.csv", "--out", "\(folder)/all"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(Set(try rows("\(folder)/all.csv").map(\.key)) == Set(first + second))
        #expect(try String(contentsOfFile: "\(folder)/all.md", encoding: .utf8).contains("## throughput (3 instances)"))
    }

    @Test func aSecondRunResumesWithoutRedoingRows() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = scratch.path
        let arguments = ["bench", "random:layers=10,seed=4", "--methods", "greedy", "--objective", "latency", "--out", "\(folder)/r"]
        #expect(try dnnplace(arguments).status == 0)
        let again = try dnnplace(arguments)
        #expect(again.status == 0)
        #expect(again.stderr.contains("resuming: 1 of 1 rows already"))
        #expect(try rows("\(folder)/r.csv").count == 1)
    }

    @Test func unknownSuitesAndMethodsAreErrors() throws {
        #expect(try dnnplace(["bench", "/nonexistent", "--out", "/tmp/x"]).stderr.contains("no such file, folder or generator spec"))
        #expect(try dnnplace(["bench", "instances", "--methods", "magic", "--out", "/tmp/x"]).status != 0)
    }
}
