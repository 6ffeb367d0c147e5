import PlacementModel
import Testing

@testable import LLMPlanner

struct LayoutEvaluatorTests {
    func costModel(_ objective: LayoutObjective) throws -> ServingCostModel {
        ServingCostModel(
            model: tinyModel, catalog: try testCatalog(),
            workload: Workload(batch: 4, prompt: 64, context: 256, kvBytes: 2, memoryFraction: 0.9, objective: objective))
    }

    let twoServers = [(name: "a", gpus: [("small", 2)]), (name: "b", gpus: [("big", 1)])]

    /// Layers 0-1 on a/small-0, 2-4 on b/big-0.
    let layout = Layout(stages: [
        LayoutStage(server: 0, kind: "small", gpus: [0], firstLayer: 0, lastLayer: 1, precision: "fp16"),
        LayoutStage(server: 1, kind: "big", gpus: [0], firstLayer: 2, lastLayer: 4, precision: "int8"),
    ])

    @Test func throughputIsBatchOverTheSlowestStageWithOneMicroBatchPerStage() throws {
        let model = try costModel(.throughput)
        let servers = cluster(twoServers, catalog: try testCatalog())
        let evaluation = model.evaluate(layout, on: servers)
        #expect(evaluation.isValid, "\(evaluation.violations)")
        #expect(evaluation.inFlight == 2)
        let network = servers.network
        let first = model.profile(
            kind: "small", tensorParallel: 1, precision: "fp16", role: StageRole(embedding: true, head: false, send: network),
            intraLink: servers.servers[0].intraLink, inFlight: 2)
        let last = model.profile(
            kind: "big", tensorParallel: 1, precision: "int8", role: StageRole(embedding: false, head: true, send: network),
            intraLink: servers.servers[1].intraLink, inFlight: 2)
        let times = [first.decodeTime(layers: 2), last.decodeTime(layers: 3)]
        #expect(evaluation.stages.map(\.decodeTime) == times)
        #expect(evaluation.period == times.max()!)
        #expect(evaluation.timePerToken == 2 * times.max()!)
        #expect(evaluation.throughput == 4 / times.max()!)
        #expect(evaluation.prefillLatency == first.prefillTime(layers: 2) + last.prefillTime(layers: 3))
        #expect(evaluation.stages[0].memoryPerGPU == first.memory(layers: 2))
    }

    @Test func latencySendsOneMicroBatchRoundTheRing() throws {
        let model = try costModel(.latency)
        let evaluation = model.evaluate(layout, on: cluster(twoServers, catalog: try testCatalog()))
        #expect(evaluation.inFlight == 1)
        let sum = evaluation.stages.reduce(0) { $0 + $1.decodeTime }
        #expect(evaluation.timePerToken == sum)
        #expect(evaluation.throughput == 4 / sum)
    }

    @Test func stagesOnOneServerSendOverItsLinkAndALoneStageSendsNothing() throws {
        let model = try costModel(.throughput)
        let servers = cluster(twoServers, catalog: try testCatalog())
        let local = Layout(stages: [
            LayoutStage(server: 0, kind: "small", gpus: [0], firstLayer: 0, lastLayer: 1, precision: "int8"),
            LayoutStage(server: 0, kind: "small", gpus: [1], firstLayer: 2, lastLayer: 4, precision: "int8"),
        ])
        #expect(model.evaluate(local, on: servers).stages.map(\.role.send) == [servers.servers[0].intraLink, servers.servers[0].intraLink])
        let alone = Layout(stages: [LayoutStage(server: 1, kind: "big", gpus: [0], firstLayer: 0, lastLayer: 4, precision: "int8")])
        let evaluation = model.evaluate(alone, on: servers)
        #expect(evaluation.stages[0].role == StageRole(embedding: true, head: true, send: nil))
    }

    @Test func brokenLayoutsListEveryViolation() throws {
        let model = try costModel(.throughput)
        let servers = cluster(twoServers, catalog: try testCatalog())
        let broken = Layout(stages: [
            LayoutStage(server: 0, kind: "small", gpus: [0], firstLayer: 0, lastLayer: 3, precision: "fp16"),
            LayoutStage(server: 0, kind: "small", gpus: [0], firstLayer: 5, lastLayer: 5, precision: "fp16"),
            LayoutStage(server: 1, kind: "small", gpus: [0], firstLayer: 6, lastLayer: 6, precision: "fp16"),
            LayoutStage(server: 0, kind: "small", gpus: [0, 1, 1], firstLayer: 7, lastLayer: 7, precision: "fp3"),
        ])
        let violations = model.evaluate(broken, on: servers).violations
        #expect(violations.contains { $0.contains("stage 0 needs") && $0.contains("per GPU") })
        #expect(violations.contains { $0.contains("stage 1 holds layers 5-5; expected to start at layer 4") })
        #expect(violations.contains { $0.contains("a/small-0 is used by two stages") })
        #expect(violations.contains { $0.contains("server b has no small") })
        #expect(violations.contains { $0.contains("unknown precision 'fp3'") })
        #expect(violations.contains { $0.contains("the model has layers 0-4") })
    }
}
