import ArgumentParser

@main
struct DNNPlace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnnplace",
        abstract: "Place DNN layers on heterogeneous devices for minimal latency or maximal throughput.",
        discussion: """
            An instance is a layer DAG with per-device costs (format dnnplace-instance/1); a plan \
            maps every layer to a device and a precision (dnnplace-plan/1). Every figure printed \
            comes from the plan evaluator.

            Exit status: 0 with a plan, 2 when the instance is infeasible, 1 for bad input or any \
            other failure (the message goes to standard error).

            Example:
              dnnplace validate instances/tiny.json
              dnnplace evaluate instances/tiny.json instances/plans/tiny.json --json
            """,
        subcommands: [Solve.self, Bound.self, Validate.self, Evaluate.self, Render.self, Inspect.self, Import.self, Generate.self, Bench.self, LLM.self],

    )
}
