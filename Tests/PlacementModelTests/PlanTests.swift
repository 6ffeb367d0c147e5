import PlacementModel
import Testing

@Suite struct PlanTests {
    static let instance = """
        {"name": "p", "precisions": [{"name": "fp32", "bits": 32}, {"name": "fp16", "bits": 16}],
         "devices": [{"name": "d0", "kind": "k"}, {"name": "d1", "kind": "k"}],
         "links": {"intraServer": {"bandwidth": 1}},
         "layers": [{"name": "a", "costs": {"k": {"fp32": 1, "fp16": 1}}}, {"name": "b", "costs": {"k": {"fp32": 1}}}],
         "edges": [{"from": "a", "to": "b"}]}
        """

    @Test func planRoundTripsThroughJSONAndAssignment() throws {
        let p = try problem(Self.instance)
        let assignment = Assignment(device: [1, 0], precision: [1, 0], start: [0, 2.5])
        let plan = p.plan(assignment, objective: .latency)
        let text = plan.json.serialized(pretty: true)
        let decoded = try Plan(json: JSONParser.parse(text))
        #expect(decoded == plan)
        #expect(try p.assignment(from: decoded) == assignment)
        #expect(decoded.assignments[0] == Plan.Assignment(layer: "a", device: "d1", precision: "fp16", start: 0))
    }

    @Test func planErrorsNameTheAssignment() throws {
        let p = try problem(Self.instance)
        let plan = Plan(instance: "p", assignments: [
            .init(layer: "a", device: "d9", precision: "fp32", start: 0),
            .init(layer: "a", device: "d0", precision: "int3"),
        ])
        #expect(throws: InputError.self) { try p.assignment(from: plan) }
        do {
            _ = try p.assignment(from: plan)
        } catch {
            #expect(error.diagnostics.map(\.path) == [
                "assignments", "assignments[0].device", "assignments[1].layer", "assignments[1].precision", "assignments",
            ])
            #expect(error.diagnostics.last?.message == "1 layer(s) have no assignment: 'b'")
        }
    }

    @Test func aPlanForAnotherInstanceSaysSo() throws {
        let p = try problem(Self.instance)
        let plan = Plan(instance: "other", assignments: [.init(layer: "x", device: "d0", precision: "fp32")])
        #expect(throws: InputError.self) { try p.assignment(from: plan) }
        do {
            _ = try p.assignment(from: plan)
        } catch {
            // First: the command line shows only the first 20 diagnostics.
            #expect(error.diagnostics.first == Diagnostic(path: "instance", message: "the plan is for instance 'other', not 'p'"))
            #expect(error.diagnostics.count > 1)
        }
        // A plan that fits is not refused for its name (instances get renamed).
        let renamed = Plan(instance: "other", assignments: [
            .init(layer: "a", device: "d0", precision: "fp32"), .init(layer: "b", device: "d1", precision: "fp32"),
        ])
        #expect(try p.assignment(from: renamed) == Assignment(device: [0, 1], precision: [0, 0]))
    }

    @Test func precisionMayBeOmittedOnlyWithOnePrecision() throws {
        let single = try problem(#"{"devices": [{"name": "d", "kind": "k"}], "layers": [{"name": "a", "costs": {"k": {"fp32": 1}}}]}"#)
        let plan = try Plan(json: JSONParser.parse(#"{"assignments": [{"layer": "a", "device": "d"}]}"#))
        #expect(try single.assignment(from: plan) == Assignment(device: [0], precision: [0]))
    }

    @Test func wrongPlanFormatIsNamed() {
        #expect(throws: InputError.self) {
            try Plan(json: JSONParser.parse(#"{"format": "dnnplace-instance/1", "assignments": []}"#))
        }
    }

    /// What `solve --json` prints can be evaluated as it is: its `plan` is read, and errors
    /// there name `plan.…` paths.
    @Test func aSolveResultIsReadThroughItsPlan() throws {
        let p = try problem(Self.instance)
        let result = try Plan(json: JSONParser.parse(#"""
            {"instance": "p", "status": "feasible", "value": 2, "plan": {"format": "dnnplace-plan/1", "instance": "p",
             "assignments": [{"layer": "a", "device": "d1", "precision": "fp16"}, {"layer": "b", "device": "d7", "precision": "fp32"}]}}
            """#))
        #expect(result.jsonPath == "plan")
        #expect(result.assignments.map(\.device) == ["d1", "d7"])
        #expect(throws: InputError.self) { try p.assignment(from: result) }
        do {
            _ = try p.assignment(from: result)
        } catch {
            #expect(error.diagnostics == [Diagnostic(path: "plan.assignments[1].device", message: "unknown device 'd7'")])
        }
        let infeasible = try JSONParser.parse(#"{"status": "infeasible", "message": "too big"}"#)
        do {
            _ = try Plan(json: infeasible)
            Issue.record("a result without a plan was read")
        } catch {
            #expect(error.diagnostics == [Diagnostic(path: "plan", message: "this solve result has no plan (status infeasible)")])
        }
    }
}
